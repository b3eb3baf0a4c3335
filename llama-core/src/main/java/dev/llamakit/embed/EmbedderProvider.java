package dev.llamakit.embed;

import dev.llamakit.spi.NamedProvider;
import dev.llamakit.spi.ProviderOptions;

/** Makes an {@link Embedder}; registered in {@code META-INF/services/dev.llamakit.embed.EmbedderProvider}. */
public interface EmbedderProvider extends NamedProvider {
    Embedder create(ProviderOptions options);
}
