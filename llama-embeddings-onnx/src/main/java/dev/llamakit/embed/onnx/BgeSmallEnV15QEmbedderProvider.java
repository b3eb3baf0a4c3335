package dev.llamakit.embed.onnx;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbedderProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/**
 * The provider of {@code bge-small-en-v1.5-q}: BAAI's bge-small-en-v1.5, quantized, from the classpath (384
 * dimensions, CLS pooling, 512 tokens; {@code embedQuery} prepends the model card's retrieval instruction
 * "Represent this sentence for searching relevant passages: "). Options: {@code batch-size}, {@code threads}.
 */
public final class BgeSmallEnV15QEmbedderProvider implements EmbedderProvider {
    @Override
    public String name() {
        return BuiltInModel.BGE_SMALL_EN_V1_5_Q.embedderName;
    }

    @Override
    public Set<String> optionKeys() {
        return OnnxEmbedderProvider.RUNTIME_KEYS;
    }

    @Override
    public String description() {
        return "bge-small-en-v1.5 (quantized, 384 dimensions, CLS pooling, 512 tokens, query instruction), in process";
    }

    @Override
    public Embedder create(ProviderOptions options) {
        options.requireOnly(name(), optionKeys());
        return OnnxEmbedderProvider.runtimeOptions(BuiltInModel.BGE_SMALL_EN_V1_5_Q.builder(), options).build();
    }
}
