package dev.llamakit.retrieval;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The retrievers on the classpath, by name ({@code keyword} and {@code bm25} come with
 * {@code llama-retrieval-lucene}). Same rules as the memory registry: an unknown name or option fails with the list
 * of what exists; duplicate names fail; a provider that fails to load is skipped and logged.
 */
public final class Retrievers {
    private Retrievers() {
    }

    public static Set<String> available() {
        return ProviderRegistry.load(RetrieverProvider.class, "retriever").names();
    }

    public static Retriever create(String name, Map<String, String> options) {
        return create(name, ProviderOptions.of(options));
    }

    public static Retriever create(String name, ProviderOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        RetrieverProvider provider = ProviderRegistry.load(RetrieverProvider.class, "retriever").require(name);
        options.requireOnly(name, provider.optionKeys());
        return provider.create(options);
    }
}
