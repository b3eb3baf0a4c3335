package dev.llamakit.retrieval.rerank;

import dev.llamakit.spi.NamedProvider;
import dev.llamakit.spi.ProviderOptions;

/** Makes a {@link Reranker}; registered in {@code META-INF/services/dev.llamakit.retrieval.rerank.RerankerProvider}. */
public interface RerankerProvider extends NamedProvider {
    Reranker create(ProviderOptions options);
}
