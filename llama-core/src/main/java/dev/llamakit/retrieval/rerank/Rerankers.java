package dev.llamakit.retrieval.rerank;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rerankers on the classpath, by name: {@code mmr} (maximal marginal relevance on embeddings) and {@code llm}
 * (a chat model orders the passages) come with core. Same rules as the other registries: an unknown name or option
 * fails with the list of what exists; duplicate names fail; a provider that fails to load is skipped and logged.
 */
public final class Rerankers {
    private Rerankers() {
    }

    public static Set<String> available() {
        return ProviderRegistry.load(RerankerProvider.class, "reranker").names();
    }

    public static Reranker create(String name, Map<String, String> options) {
        return create(name, ProviderOptions.of(options));
    }

    public static Reranker create(String name, ProviderOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        RerankerProvider provider = ProviderRegistry.load(RerankerProvider.class, "reranker").require(name);
        options.requireOnly(name, provider.optionKeys());
        return provider.create(options);
    }
}
