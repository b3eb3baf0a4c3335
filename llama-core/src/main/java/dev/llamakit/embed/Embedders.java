package dev.llamakit.embed;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;

import java.util.Map;
import java.util.Set;

/**
 * The embedders on the classpath, by name ({@code llama-embeddings-onnx} brings the ONNX models). Same rules as the
 * other registries: an unknown name or option fails with the list of what exists; duplicate names fail; a provider
 * that fails to load is skipped and logged.
 */
public final class Embedders {
    private static final ProviderRegistry<EmbedderProvider, Embedder> REGISTRY =
            ProviderRegistry.of(EmbedderProvider.class, "embedder", EmbedderProvider::create);

    private Embedders() {
    }

    /** The names of the embedders on the classpath, sorted. */
    public static Set<String> available() {
        return REGISTRY.available();
    }

    /** Creates the named embedder from string options. */
    public static Embedder create(String name, Map<String, String> options) {
        return create(name, ProviderOptions.of(options));
    }

    /** Creates the named embedder; fails on an unknown name or option with the lists of what exists. */
    public static Embedder create(String name, ProviderOptions options) {
        return REGISTRY.create(name, options);
    }
}
