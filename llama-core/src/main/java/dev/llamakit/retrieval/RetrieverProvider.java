package dev.llamakit.retrieval;

import dev.llamakit.spi.NamedProvider;
import dev.llamakit.spi.ProviderOptions;

/** Makes a {@link Retriever}; registered in {@code META-INF/services/dev.llamakit.retrieval.RetrieverProvider}. */
public interface RetrieverProvider extends NamedProvider {
    Retriever create(ProviderOptions options);
}
