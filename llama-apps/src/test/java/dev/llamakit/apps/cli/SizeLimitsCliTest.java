package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.testkit.LlamaTestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import dev.llamakit.apps.summarize.ExtractiveSummarizer;
import dev.llamakit.apps.summarize.SummaryResult;
import dev.llamakit.apps.summarize.TextSummarizer;
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

/**
 * Texts too long for what is asked: refused before anything is sent or computed, in the user's words; or, for an
 * offline summary, read and summarized in pieces.
 */
class SizeLimitsCliTest {
    static final String KEY = "test-key-123";
    static LlamaTestServer server;
    static Path big;
    static final String PARAGRAPH = "The client retries a request when the server is busy. Each retry waits a little "
            + "longer than the one before. Logs record every attempt with its status.";

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws IOException {
        server = LlamaTestServer.builder().apiKey(KEY).start();
        big = tmp.resolve("big.txt");
        byte[] paragraph = (PARAGRAPH + "\n\n").getBytes(StandardCharsets.UTF_8);
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
    void askOfflineRefusesA52MegabyteContextInOneLineWithoutReadingItWhole() {
        CliRun r = run("ask", "-c", big.toString(), "How are retries logged?", "--offline").errorInWords(ExitCodes.INPUT);
        assertThat(r.err().strip()).startsWith("llama ask: the context is about")
                .contains("more than an offline answer reads (2,000,000)").contains("rag ask --docs DIR");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void offlineSummaryOfFiftyMegabytesGoesInPiecesToASummaryOfItsSentences() throws IOException {
        long started = System.nanoTime();
        CliRun r = run("summarize", big.toString(), "--offline", "--json").ok();
        double seconds = (System.nanoTime() - started) / 1e9;
        var json = r.json();
        String summary = json.get("summary").asText();
        assertThat(summary).isNotBlank().contains("The client retries a request when the server is busy.");
        // every sentence of the summary is one of the text's: prose, nothing made up
        assertThat(summary.split("(?<=\\.)\\s+")).allSatisfy(sentence -> assertThat(PARAGRAPH).contains(sentence.strip()));
        assertThat(json.get("chunks").asInt()).as("pieces").isGreaterThan(1_000);
        assertThat(json.get("offline").asBoolean()).isTrue();
        System.out.printf(java.util.Locale.ROOT, "offline summary of %d MB in pieces: %d pieces, %d calls, %.1f s "
                + "(reported, not asserted)%n", Files.size(big) >> 20, json.get("chunks").asInt(),
                json.get("summarizerCalls").asInt(), seconds);
    }

    @Test
    void offlineSummaryInPiecesHoldsAFewPiecesNotTheText() throws IOException {
        // the same path on a stream that is never held: its memory is what the pieces need, not what the text is
        TextSummarizer service = TextSummarizer.builder(new ExtractiveSummarizer()).build();
        long[] peak = {0};
        System.gc();
        long base = usedHeap();
        try (Reader text = new LongText(new byte[0], Files.newInputStream(big), "big.txt")) {
            SummaryResult result = service.summarizeInPieces(text, Files.size(big), null, new TextSummarizer.Listener() {
                @Override
                public void partSummarized(int level, int done, int total) {
                    if (done % 200 == 0) {
                        System.gc();
                        peak[0] = Math.max(peak[0], usedHeap() - base);
                    }
                }
            });
            assertThat(result.summary()).isNotBlank();
        }
        System.out.printf("heap in use while summarizing 52 MB in pieces (after GC): at most %d MB%n", peak[0] >> 20);
        assertThat(peak[0]).as("heap in use while summarizing 52 MB (after GC)").isLessThan(Files.size(big) / 2);
    }

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
