package dev.llamakit.retrieval;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;
import java.util.Map;
import java.util.Set;

/**
 * The retrievers on the classpath, by name ({@code keyword} and {@code bm25} come with
 * {@code llama-retrieval-lucene}). Same rules as the memory registry: an unknown name or option fails with the list
 * of what exists; duplicate names fail; a provider that fails to load is skipped and logged.
 */
public final class Retrievers {
    private static final ProviderRegistry<RetrieverProvider, Retriever> REGISTRY =
            ProviderRegistry.of(RetrieverProvider.class, "retriever", RetrieverProvider::create);

    private Retrievers() {
    }

    /** The names of the retrievers on the classpath, sorted. */
    public static Set<String> available() {
        return REGISTRY.available();
    }

    /** Creates the named retriever from string options. */
    public static Retriever create(String name, Map<String, String> options) {
        return create(name, ProviderOptions.of(options));
    }

    /** Creates the named retriever; fails on an unknown name or option with the lists of what exists. */
    public static Retriever create(String name, ProviderOptions options) {
        return REGISTRY.create(name, options);
    }
}
