package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.testkit.LlamaTestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Texts too long for what is asked: refused before anything is sent or computed, in the user's words. */
class SizeLimitsCliTest {
    static final String KEY = "test-key-123";
    static LlamaTestServer server;
    static Path big;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws IOException {
        server = LlamaTestServer.builder().apiKey(KEY).start();
        big = tmp.resolve("big.txt");
        byte[] paragraph = ("The client retries a request when the server is busy. Each retry waits a little longer "
                + "than the one before. Logs record every attempt with its status.\n\n").getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long written = 0; written < 52L << 20; written += paragraph.length) {
                out.write(paragraph);
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = CliContext.of(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true), Map.of(), tmp.resolve("home"));
        return new CliRun(LlamaCli.run(ctx, args), out.toString(), err.toString());
    }

    @Test
    void askWithAModelRefusesA52MegabyteContextBeforeSendingIt() {
        server.clearRecorded();
        CliRun r = run("ask", "-c", big.toString(), "How are retries logged?", "--base-url", server.baseUrl(), "--dialect", "llama",
                "--api-key", KEY);
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err().strip()).startsWith("llama ask: the context is about").contains("nothing was sent")
                .contains("rag ask --docs").doesNotContain("Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void offlineSummaryOfFiftyMegabytesIsRefusedWithAdviceNotABudgetError() {
        CliRun r = run("summarize", big.toString(), "--offline");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INPUT);
        assertThat(r.err().strip()).startsWith("llama summarize: the text is about").contains("summarize a part of it")
                .doesNotContain("budgetTokens").doesNotContain("Exception");
    }
}
