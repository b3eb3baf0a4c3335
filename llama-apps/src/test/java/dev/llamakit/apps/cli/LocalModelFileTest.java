package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.testkit.SyntheticGgufModel;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model-file}: a bad file is an input error in words (the model itself is tested in llama-local). */
class LocalModelFileTest {
    @TempDir
    Path tmp;

    CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true), Map.<String, String>of()::get, false, tmp.resolve("home"), handler -> () -> { });
        return new CliRun(LlamaCli.run(ctx, args), out.toString(), err.toString());
    }

    @Test
    void aMissingModelFileIsAnInputError() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "Some text to summarize. It has two sentences.");
        CliRun r = run("summarize", "--model-file", tmp.resolve("missing.gguf").toString(), text.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err()).contains("loading missing.gguf").contains("no model file at").doesNotMatch(CliRun.CLASS_NAME);
    }

    @Test
    void aFileThatIsNotGgufIsAnInputError() throws Exception {
        Path fake = Files.writeString(tmp.resolve("fake.gguf"), "not a model");
        CliRun r = run("ask", "-q", "--model-file", fake.toString(), "-c", fake.toString(), "What?");
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err()).contains("is not a GGUF model file").doesNotContain("loading");
    }

    @Test
    void threadsAndContextSizeWithoutAModelFileAreAnInputError() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "Some text to summarize. It has two sentences.");
        CliRun r = run("summarize", "--threads", "2", text.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err()).contains("--threads and --ctx-size are for a local model: add --model-file");
    }

    @Test
    void aSyntheticModelAnswersWithItsNameInTheJsonOutput() throws Exception {
        Path model = SyntheticGgufModel.builder().build().write(tmp.resolve("synthetic.gguf"));
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "The sky is blue.");
        CliRun r = run("ask", "--json", "--model-file", model.toString(), "--threads", "2", "--ctx-size", "512",
                "-c", notes.toString(), "What color is the sky?");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("\"model\" : \"synthetic-test-model\"").contains("\"offline\" : false");
        CliRun progress = run("ask", "--model-file", model.toString(), "--ctx-size", "64", "-c", notes.toString(), "Sky?");
        assertThat(progress.err()).contains("loading synthetic.gguf").contains("loaded synthetic-test-model")
                .contains("(context 64 tokens)");
    }

    @Test
    void theOptionsAreListed() {
        CliRun r = run("chat", "--help");
        assertThat(r.out()).contains("--model-file=PATH.gguf", "--threads=N", "--ctx-size=TOKENS");
    }
}
