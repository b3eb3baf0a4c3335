package dev.llamakit.embed.onnx;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.tck.EmbedderContract;
import java.util.Map;

/** {@code bge-small-en-v1.5-q} keeps the embedder contract. */
class BgeSmallContractTest extends EmbedderContract {
    @Override
    protected Embedder createEmbedder() {
        return Embedders.create("bge-small-en-v1.5-q", Map.of("threads", "2"));
    }
}
