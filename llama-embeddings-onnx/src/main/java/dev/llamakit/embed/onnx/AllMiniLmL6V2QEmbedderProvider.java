package dev.llamakit.embed.onnx;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbedderProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/**
 * The provider of {@code all-minilm-l6-v2-q}: sentence-transformers' all-MiniLM-L6-v2, quantized, from the
 * classpath (384 dimensions, mean pooling, 256 tokens). Options: {@code batch-size}, {@code threads}.
 */
public final class AllMiniLmL6V2QEmbedderProvider implements EmbedderProvider {
    @Override
    public String name() {
        return BuiltInModel.ALL_MINILM_L6_V2_Q.embedderName;
    }

    @Override
    public Set<String> optionKeys() {
        return OnnxEmbedderProvider.RUNTIME_KEYS;
    }

    @Override
    public String description() {
        return "all-MiniLM-L6-v2 (quantized, 384 dimensions, mean pooling, 256 tokens), in process";
    }

    @Override
    public Embedder create(ProviderOptions options) {
        options.requireOnly(name(), optionKeys());
        return OnnxEmbedderProvider.runtimeOptions(BuiltInModel.ALL_MINILM_L6_V2_Q.builder(), options).build();
    }
}
