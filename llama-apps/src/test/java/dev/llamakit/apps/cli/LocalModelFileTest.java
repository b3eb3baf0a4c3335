package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
    void theOptionsAreListed() {
        CliRun r = run("chat", "--help");
        assertThat(r.out()).contains("--model-file=PATH.gguf", "--threads=N", "--ctx-size=TOKENS");
    }
}
