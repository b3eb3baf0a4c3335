package dev.llamakit.embed.onnx;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.tck.EmbedderContract;
import java.util.Map;

/** {@code all-minilm-l6-v2-q} keeps the embedder contract (one text per run: the model is dynamically quantized). */
class AllMiniLmContractTest extends EmbedderContract {
    @Override
    protected Embedder createEmbedder() {
        return Embedders.create("all-minilm-l6-v2-q", Map.of());
    }
}
