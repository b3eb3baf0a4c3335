package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.apps.summarize.TextSummarizer;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ask}, {@code rag ask} and {@code summarize} with a model print the answer as it streams in, as they
 * would print it whole; {@code --json} stays one document from a plain (not streamed) call.
 */
class StreamedAnswersTest {
    static final String KEY = "test-key-123";
    static final Path DOCS = Path.of("../docs").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    LlamaTestServer server;

    @BeforeEach
    void start() {
        server = LlamaTestServer.builder().apiKey(KEY).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Run(int code, String out, String err) {
    }

    Run run(boolean terminal, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--base-url", server.baseUrl(), "--dialect", "llama", "--api-key", KEY)).toArray(String[]::new);
        CliContext ctx = new CliContext(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), name -> null, terminal, tmp.resolve("home"),
                handler -> () -> { });
        int code = LlamaCli.run(ctx, all);
        return new Run(code, out.toString(), err.toString());
    }

    static boolean streamed(RecordedRequest r) {
        JsonNode stream = r.json().get("stream");
        return stream != null && stream.asBoolean();
    }

    @Test
    void askPrintsTheStreamedAnswerStrippedThenNothingElse() throws IOException {
        Path context = Files.writeString(tmp.resolve("ctx.txt"), "The client retries a 429 after the Retry-After delay.");
        server.enqueue(ScriptedReply.text("\n  It waits for the Retry-After delay, then retries.  \n"));
        Run r = run(false, "", "ask", "-c", context.toString(), "How is a 429 retried?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("It waits for the Retry-After delay, then retries.\n");
        assertThat(streamed(server.requests().get(0))).isTrue();

        server.enqueue(ScriptedReply.text("It waits."));
        Run json = run(false, "", "ask", "-c", context.toString(), "How is a 429 retried?", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).get("answer").asText()).isEqualTo("It waits.");
        assertThat(streamed(server.requests().get(1))).as("--json: one document, no stream").isFalse();
    }

    @Test
    void ragAskStreamsTheAnswerWithCitationsRenumberedAsTheSourcesAreListed() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("docs"));
        for (String doc : List.of("client.md", "memory.md", "retrieval.md")) {
            Files.copy(DOCS.resolve(doc), folder.resolve(doc));
        }
        // the model cites source 2 first, then 1, and a source that does not exist: printed as [1], [2], nothing
        String reply = " A 429 is retried after the Retry-After delay [2], with backoff [2][1] and jitter [9].";
        server.enqueue(ScriptedReply.text(reply));
        Run r = run(false, "", "rag", "ask", "--docs", folder.toString(), "How does the client retry a 429?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(streamed(server.requests().get(0))).isTrue();
        String answer = "A 429 is retried after the Retry-After delay [1], with backoff [1][2] and jitter.";
        assertThat(r.out()).startsWith(answer + "\n\nSources:\n[1] ");
        assertThat(r.out()).containsOnlyOnce(answer).contains("\n[2] ").contains("cites [9], which match no source");

        server.enqueue(ScriptedReply.text(reply));
        Run json = run(false, "", "rag", "ask", "--docs", folder.toString(), "How does the client retry a 429?", "--json");
        assertThat(new ObjectMapper().readTree(json.out()).get("answer").asText()).as("the same answer, whole").isEqualTo(answer);
        assertThat(streamed(server.requests().get(1))).isFalse();
    }

    @Test
    void summarizeStreamsOnlyTheFinalCallAndShowsTheMapCallsOnAProgressBar() {
        String text = IntStream.range(0, 3000).mapToObj(i -> "Sentence number " + i + " says something about retries.")
                .collect(Collectors.joining(" "));
        int parts = TextSummarizer.of(request -> "s").summarize(text, null).chunks();
        assertThat(parts).as("a text long enough for map-reduce").isGreaterThan(1);
        for (int i = 0; i < parts; i++) {
            server.enqueue(ScriptedReply.text("Part " + i + " is about retries."));
        }
        server.enqueue(ScriptedReply.text("The text is about retries."));
        Run r = run(true, text, "summarize", "-");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("The text is about retries.\n");
        List<RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(parts + 1);
        assertThat(requests.subList(0, parts)).noneMatch(StreamedAnswersTest::streamed);
        assertThat(streamed(requests.get(parts))).isTrue();
        assertThat(r.err()).contains("\rsummarizing [").contains("] " + parts + "/" + parts + " parts").endsWith("\r");

        server.enqueue(ScriptedReply.text("Short."));
        Run quiet = run(true, "A short text about retries. It has two sentences.", "summarize", "-", "--quiet");
        assertThat(quiet.out()).isEqualTo("Short.\n");
        assertThat(quiet.err()).isEmpty();
    }

    /** Whatever the split of the reply into fragments, what is printed so far is a prefix of the whole answer. */
    @Test
    void everyPrefixOfAReplyPrintsAPrefixOfTheRenumberedAnswer() {
        StreamedCitations citations = new StreamedCitations(() -> 3);
        for (String reply : List.of("Backoff [2], jitter [2][1] and [9] or [3, 1]. Done [1]",
                "No markers at all,  just  spaces  ", "[1][2] at the start [ 2 ] [10000001] [2,", " [4] only invalid [4]")) {
            String whole = citations.whole(reply);
            String previous = "";
            for (int i = 0; i <= reply.length(); i++) {
                String stable = citations.stable(reply.substring(0, i));
                assertThat(whole).as("%s at %d", reply, i).startsWith(stable);
                assertThat(stable).startsWith(previous);
                previous = stable;
            }
        }
        assertThat(citations.whole("Backoff [2], jitter [2][1] and [9] or [3, 1].")).isEqualTo("Backoff [1], jitter [1][2] and or [3, 2].");
    }

    @Test
    void aStreamCutShortEndsTheLineAndFailsInOneLine() throws IOException {
        Path context = Files.writeString(tmp.resolve("ctx.txt"), "Some context.");
        server.enqueue(ScriptedReply.sseThenDrop(List.of(
                "data: {\"id\":\"n\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"Half an ans\"}}}\n\n")));
        Run r = run(false, "", "ask", "-c", context.toString(), "What?");
        assertThat(r.code()).isEqualTo(ExitCodes.SERVICE);
        assertThat(r.out()).isEqualTo("Half an ans\n");
        assertThat(r.err().strip().lines()).hasSize(1);
    }
}
