package dev.llamakit.retrieval.rerank;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;

import java.util.Map;
import java.util.Set;

/**
 * The rerankers on the classpath, by name: {@code mmr} (maximal marginal relevance on embeddings) and {@code llm}
 * (a chat model orders the passages) come with core. Same rules as the other registries: an unknown name or option
 * fails with the list of what exists; duplicate names fail; a provider that fails to load is skipped and logged.
 */
public final class Rerankers {
    private static final ProviderRegistry<RerankerProvider, Reranker> REGISTRY =
            ProviderRegistry.of(RerankerProvider.class, "reranker", RerankerProvider::create);

    private Rerankers() {
    }

    /** The names of the rerankers on the classpath, sorted. */
    public static Set<String> available() {
        return REGISTRY.available();
    }

    /** Creates the named reranker from string options. */
    public static Reranker create(String name, Map<String, String> options) {
        return create(name, ProviderOptions.of(options));
    }

    /** Creates the named reranker; fails on an unknown name or option with the lists of what exists. */
    public static Reranker create(String name, ProviderOptions options) {
        return REGISTRY.create(name, options);
    }
}
