package dev.llamakit.embed;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The embedders on the classpath, by name ({@code llama-embeddings-onnx} brings the ONNX models). Same rules as the
 * other registries: an unknown name or option fails with the list of what exists; duplicate names fail; a provider
 * that fails to load is skipped and logged.
 */
public final class Embedders {
    private Embedders() {
    }

    public static Set<String> available() {
        return ProviderRegistry.load(EmbedderProvider.class, "embedder").names();
    }

    public static Embedder create(String name, Map<String, String> options) {
        return create(name, ProviderOptions.of(options));
    }

    public static Embedder create(String name, ProviderOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        EmbedderProvider provider = ProviderRegistry.load(EmbedderProvider.class, "embedder").require(name);
        options.requireOnly(name, provider.optionKeys());
        return provider.create(options);
    }
}
