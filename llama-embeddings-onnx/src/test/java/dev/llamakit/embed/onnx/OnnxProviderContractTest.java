package dev.llamakit.embed.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.tck.EmbedderContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code onnx} provider keeps the embedder contract with the full-precision all-MiniLM-L6-v2 loaded from files,
 * in padded batches of 3: its vectors do not depend on the batch, so the contract's batch rules check that padding
 * never leaks into mean pooling and that vectors go back to their texts after length-sorted batching.
 */
class OnnxProviderContractTest extends EmbedderContract {
    @TempDir
    Path dir;

    @Override
    protected Embedder createEmbedder() {
        return Embedders.create("onnx", Map.of(
                "name", "all-minilm-l6-v2",
                "model", ModelFiles.copy(ModelFiles.MINILM_FP32, dir).toString(),
                "tokenizer", ModelFiles.copy(ModelFiles.MINILM_FP32_TOKENIZER, dir).toString(),
                "pooling", "mean",
                "max-length", "256",
                "batch-size", "3",
                "threads", "2"));
    }

    @Test
    void runsTextsInPaddedBatches() {
        OnnxEmbedder e = (OnnxEmbedder) embedder();
        assertThat(e.batched()).as("a full-precision model is batched").isTrue();
        assertThat(e.toString()).contains("all-minilm-l6-v2", "batches of 3", "mean pooling", "384 dimensions");
    }
}
