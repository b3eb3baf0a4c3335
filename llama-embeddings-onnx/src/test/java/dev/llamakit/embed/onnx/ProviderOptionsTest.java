package dev.llamakit.embed.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.embed.Embedders;
import dev.llamakit.spi.ProviderOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options of the three providers: unknown keys, missing and bad values fail before any model is loaded. */
class ProviderOptionsTest {

    @Test
    void providersAreListedWithTheirOptions() {
        assertThat(Embedders.available()).contains("all-minilm-l6-v2-q", "bge-small-en-v1.5-q", "onnx");
        assertThat(new AllMiniLmL6V2QEmbedderProvider().optionKeys()).containsExactlyInAnyOrder("batch-size", "threads");
        assertThat(new BgeSmallEnV15QEmbedderProvider().optionKeys()).containsExactlyInAnyOrder("batch-size", "threads");
        assertThat(new OnnxEmbedderProvider().optionKeys()).containsExactlyInAnyOrder("name", "model", "tokenizer",
                "pooling", "max-length", "query-prefix", "batch-size", "threads");
        assertThat(new OnnxEmbedderProvider().description()).isNotBlank();
        assertThat(new AllMiniLmL6V2QEmbedderProvider().description()).contains("384");
        assertThat(new BgeSmallEnV15QEmbedderProvider().description()).contains("CLS");
    }

    @Test
    void unknownOptionsAreRejected() {
        assertThatThrownBy(() -> Embedders.create("all-minilm-l6-v2-q", Map.of("pooling", "cls")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option [pooling] for 'all-minilm-l6-v2-q'")
                .hasMessageContaining("it knows: [batch-size, threads]");
        assertThatThrownBy(() -> Embedders.create("bge-small-en-v1.5-q", Map.of("max-length", "128")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option [max-length]");
        assertThatThrownBy(() -> Embedders.create("onnx", Map.of("modle", "x.onnx")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option [modle] for 'onnx'");
        // the provider checks too, for callers that bypass the registry
        assertThatThrownBy(() -> new AllMiniLmL6V2QEmbedderProvider().create(ProviderOptions.of(Map.of("x", "1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option [x]");
    }

    @Test
    void unknownNameListsTheEmbedders() {
        assertThatThrownBy(() -> Embedders.create("all-minilm", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no embedder named 'all-minilm'")
                .hasMessageContaining("all-minilm-l6-v2-q, bge-small-en-v1.5-q, onnx");
    }

    @Test
    void onnxNeedsNameModelAndTokenizer() {
        assertThatThrownBy(() -> Embedders.create("onnx", Map.of("model", "m.onnx", "tokenizer", "t.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'name' of 'onnx' is required");
        assertThatThrownBy(() -> Embedders.create("onnx", Map.of("name", "m", "tokenizer", "t.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'model' of 'onnx' is required");
        assertThatThrownBy(() -> Embedders.create("onnx", Map.of("name", "m", "model", "m.onnx", "tokenizer", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'tokenizer' of 'onnx' is required");
    }

    @Test
    void badValuesFailClearly() {
        Map<String, String> base = Map.of("name", "m", "model", "m.onnx", "tokenizer", "t.json");
        assertThatThrownBy(() -> Embedders.create("onnx", with(base, "pooling", "max")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pooling must be one of [mean, cls], got 'max'");
        assertThatThrownBy(() -> Embedders.create("onnx", with(base, "max-length", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option 'max-length' must be at least 2");
        assertThatThrownBy(() -> Embedders.create("onnx", with(base, "max-length", "long")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option 'max-length' must be an integer");
        assertThatThrownBy(() -> Embedders.create("onnx", with(base, "batch-size", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option 'batch-size' must be at least 1");
        assertThatThrownBy(() -> Embedders.create("all-minilm-l6-v2-q", Map.of("threads", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option 'threads' must be at least 1");
        assertThatThrownBy(() -> Embedders.create("onnx", with(base, "name", "My Model")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 'My Model'");
        assertThatThrownBy(() -> Embedders.create("onnx", with(base, "model", "bad\u0000path")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option 'model' is not a valid path");
    }

    @Test
    void builderChecksItsArguments() {
        assertThatThrownBy(() -> OnnxEmbedder.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing: name, model, tokenizer");
        assertThatThrownBy(() -> OnnxEmbedder.builder().name("x").model(java.nio.file.Path.of("m")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing: tokenizer");
        assertThatThrownBy(() -> OnnxEmbedder.builder().name(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OnnxEmbedder.builder().model(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OnnxEmbedder.builder().queryPrefix(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OnnxEmbedder.builder().name("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OnnxEmbedder.builder().name("x".repeat(101))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OnnxEmbedder.builder().maxLength(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OnnxEmbedder.builder().batchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OnnxEmbedder.builder().threads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Pooling.parse(" CLS ")).isEqualTo(Pooling.CLS);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
