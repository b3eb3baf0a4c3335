package dev.llamakit.embed.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llamakit.embed.Embedders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing, unreadable and garbage files give an {@link EmbedderException} naming the file, never a native crash. */
class LoadingErrorsTest {
    @TempDir
    Path dir;

    private Path model;
    private Path tokenizer;

    @BeforeEach
    void copyModel() {
        model = ModelFiles.copy(BuiltInModel.ALL_MINILM_L6_V2_Q.modelResource, dir);
        tokenizer = ModelFiles.copy(BuiltInModel.ALL_MINILM_L6_V2_Q.tokenizerResource, dir);
    }

    private static OnnxEmbedder build(Path model, Path tokenizer) {
        return OnnxEmbedder.builder().name("broken").model(model).tokenizer(tokenizer).maxLength(256).threads(1).build();
    }

    private static void assertNamesFile(Throwable t, Path file, String... phrases) {
        assertThat(t).isInstanceOf(EmbedderException.class);
        assertThat(t.getMessage()).contains(file.toAbsolutePath().normalize().toString()).contains(phrases);
        assertThat(((EmbedderException) t).file()).contains(file);
    }

    @Test
    void missingModelFile() {
        Path missing = dir.resolve("nope.onnx");
        assertThatThrownBy(() -> build(missing, tokenizer)).satisfies(t -> assertNamesFile(t, missing, "model", "does not exist"));
    }

    @Test
    void missingTokenizerFile() {
        Path missing = dir.resolve("nope/tokenizer.json");
        assertThatThrownBy(() -> build(model, missing)).satisfies(t -> assertNamesFile(t, missing, "tokenizer", "does not exist"));
    }

    @Test
    void directoryInsteadOfFile() {
        assertThatThrownBy(() -> build(dir, tokenizer)).satisfies(t -> assertNamesFile(t, dir, "not a regular file"));
        assertThatThrownBy(() -> build(model, dir)).satisfies(t -> assertNamesFile(t, dir, "not a regular file"));
    }

    @Test
    void unreadableFile() throws IOException {
        Path locked = Files.copy(tokenizer, dir.resolve("locked.json"));
        boolean changed = locked.toFile().setReadable(false, false);
        assumeTrue(changed && !Files.isReadable(locked), "every file is readable to this user (root): nothing to check");
        assertThatThrownBy(() -> build(model, locked)).satisfies(t -> assertNamesFile(t, locked, "not readable"));
    }

    @Test
    void garbageModel() throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path garbage = Files.write(dir.resolve("garbage.onnx"), noise);
        assertThatThrownBy(() -> build(garbage, tokenizer))
                .satisfies(t -> assertNamesFile(t, garbage, "cannot be loaded by ONNX Runtime"));
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertThatThrownBy(() -> build(empty, tokenizer)).satisfies(t -> assertNamesFile(t, empty, "cannot be loaded"));
        Path text = Files.writeString(dir.resolve("tokenizer-as-model.onnx"), Files.readString(tokenizer));
        assertThatThrownBy(() -> build(text, tokenizer)).satisfies(t -> assertNamesFile(t, text, "cannot be loaded"));
    }

    @Test
    void truncatedModel() throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        Path half = Files.write(dir.resolve("half.onnx"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> build(half, tokenizer)).satisfies(t -> assertNamesFile(t, half, "cannot be loaded"));
    }

    @Test
    void garbageTokenizer() throws IOException {
        Path notJson = Files.writeString(dir.resolve("not-json.json"), "{ this is not json", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> build(model, notJson))
                .satisfies(t -> assertNamesFile(t, notJson, "is not a Hugging Face tokenizer.json"));
        Path otherJson = Files.writeString(dir.resolve("other.json"), "{\"model\": {\"type\": \"nothing\"}}");
        assertThatThrownBy(() -> build(model, otherJson))
                .satisfies(t -> assertNamesFile(t, otherJson, "is not a Hugging Face tokenizer.json"));
        Path empty = Files.write(dir.resolve("empty.json"), new byte[0]);
        assertThatThrownBy(() -> build(model, empty)).satisfies(t -> assertNamesFile(t, empty, "tokenizer"));
        byte[] noise = new byte[2048];
        new Random(11).nextBytes(noise);
        Path binary = Files.write(dir.resolve("binary.json"), noise);
        assertThatThrownBy(() -> build(model, binary)).satisfies(t -> assertNamesFile(t, binary, "tokenizer"));
    }

    @Test
    void modelAsTokenizerAndTokenizerAsModel() {
        assertThatThrownBy(() -> build(tokenizer, model)).isInstanceOf(EmbedderException.class)
                .hasMessageContaining(model.toAbsolutePath().normalize().toString());
    }

    @Test
    void maxLengthBeyondWhatTheModelTakesFailsAtLoad() {
        // BERT-style models have 512 positions: a probe of 600 tokens fails inside ONNX Runtime, reported clearly
        assertThatThrownBy(() -> OnnxEmbedder.builder().name("too-long").model(model).tokenizer(tokenizer)
                .maxLength(600).threads(1).build())
                .isInstanceOf(EmbedderException.class)
                .hasMessageContaining(model.toAbsolutePath().normalize().toString())
                .hasMessageContaining("600 tokens");
    }

    @Test
    void providerReportsTheSameErrors() {
        Path missing = dir.resolve("missing.onnx");
        assertThatThrownBy(() -> Embedders.create("onnx", Map.of("name", "x", "model", missing.toString(),
                "tokenizer", tokenizer.toString())))
                .satisfies(t -> assertNamesFile(t, missing, "does not exist"));
    }

    @Test
    void nothingIsLeftOpenAfterAFailedLoad() {
        // a failing model after a good tokenizer must close the tokenizer; loading again afterwards works
        for (int i = 0; i < 3; i++) {
            Path missing = dir.resolve("missing-" + i + ".onnx");
            assertThatThrownBy(() -> build(missing, tokenizer)).isInstanceOf(EmbedderException.class);
        }
        try (OnnxEmbedder ok = build(model, tokenizer)) {
            assertThat(ok.dimensions()).isEqualTo(384);
        }
    }
}
