package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.apps.cli.repl.TypedText;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code llama chat} on a terminal: JLine on a terminal over the test's own streams (an xterm, as a person's
 * would be), typing the keys a person types. Ctrl-C during an answer is tested in {@code LlamaCliTest} (the
 * handler is the same; only its installation differs).
 */
class ChatReplTest {
    static final String KEY = "test-key-123";
    static final String LEFT = "\u001b[D";
    static final String LEFT_SS3 = "\u001bOD";
    static final String UP = "\u001b[A";
    static final String BACKSPACE = "\u007f";

    static LlamaTestServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = LlamaTestServer.builder().apiKey(KEY).start();
    }

    @BeforeEach
    void clear() {
        server.clearRecorded();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A chat run: what the chat printed (answers), what the terminal showed (prompts, echo, completions), errors. */
    record Run(int code, String out, String screen, String err) {
    }

    Run chat(String keys, String... args) throws IOException {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        // an external (not a pty) terminal, whatever native provider is on the class path
        Terminal terminal = new ExternalTerminal("test", "xterm", new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)),
                screen, StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = CliContext.of(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true), Map.of("XDG_STATE_HOME", tmp.resolve("state").toString()), tmp.resolve("home"));
        CommandLine cmd = new CommandLine(new LlamaCli(ctx), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                K made = CommandLine.defaultFactory().create(type);
                if (made instanceof ChatCommand chat) {
                    chat.terminals = c -> terminal;
                }
                return made;
            }
        });
        cmd.setOut(ctx.out());
        cmd.setErr(ctx.err());
        List<String> all = new ArrayList<>(List.of("chat"));
        all.addAll(List.of(args));
        all.addAll(List.of("--base-url", server.baseUrl(), "--dialect", "llama", "--api-key", KEY));
        int code = cmd.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), screen.toString(StandardCharsets.UTF_8), err.toString());
    }

    /** The text of the last user message the server received. */
    static String lastUserMessage() {
        List<RecordedRequest> requests = server.requests();
        var messages = requests.get(requests.size() - 1).json().get("messages");
        var last = messages.get(messages.size() - 1);
        var content = last.get("content");
        return content.isTextual() ? content.asText() : content.get("text").asText();
    }

    @Test
    void editingKeysEditTheLineAndNeverReachTheModelOrTheSessionFile() throws IOException {
        Path sessions = tmp.resolve("sessions");
        // "Hellp", backspace, "o wrld", three lefts (both spellings of the key), "o", Enter
        Run r = chat("Hellp" + BACKSPACE + "o wrld" + LEFT + LEFT_SS3 + LEFT + "o\r", "--session", "keys",
                "--sessions-dir", sessions.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(lastUserMessage()).isEqualTo("Hello world");
        assertThat(r.out()).contains("llama> Echo: Hello world");
        String saved;
        try (Stream<Path> files = Files.walk(sessions)) {
            saved = files.filter(Files::isRegularFile).map(ChatReplTest::read).reduce("", String::concat);
        }
        assertThat(saved).contains("Hello world").doesNotContain("\u001b").doesNotContain("\\u001b")
                .doesNotContain("[D").doesNotContain("Hellp");
    }

    @Test
    void historyIsSavedAndComesBackInTheNextSession() throws IOException {
        Run first = chat("What is a 429?\r");
        assertThat(first.code()).as(first.err()).isZero();
        Path history = tmp.resolve("state").resolve("llamakit").resolve("history");
        assertThat(history).exists();
        assertThat(read(history)).contains("What is a 429?");

        // the next session: Up recalls the line, Enter sends it again
        Run second = chat(UP + "\r");
        assertThat(second.out()).contains("Echo: What is a 429?");
        assertThat(lastUserMessage()).isEqualTo("What is a 429?");

        // Ctrl-R searches the history
        Run third = chat("\u0012429\r");
        assertThat(third.out()).contains("Echo: What is a 429?");
    }

    @Test
    void tabListsAndCompletesTheSlashCommands() throws IOException {
        // Tab after "/" lists the commands; Ctrl-U drops the line; "/hist" Tab completes /history
        Run r = chat("/\t\u0015/hist\t\r/mod\t\r");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(TypedText.clean(r.screen())).as("the list, colours removed").contains("/history").contains("/model").contains("/save").contains("/reset")
                .contains("the whole conversation so far");
        assertThat(r.out()).contains("(no messages yet)").contains("model: ");
        assertThat(server.requests().stream().map(RecordedRequest::path)).noneMatch(p -> p.contains("chat"));
    }

    @Test
    void aLineEndingWithABackslashContinuesAndAPasteKeepsItsLines() throws IOException {
        Run r = chat("first line \\\rsecond line\r");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(lastUserMessage()).isEqualTo("first line \nsecond line");
        // a bracketed paste of two lines is one message
        Run paste = chat("\u001b[200~alpha\nbeta\u001b[201~\r");
        assertThat(paste.code()).as(paste.err()).isZero();
        assertThat(lastUserMessage()).isEqualTo("alpha\nbeta");
    }

    @Test
    void aDroppedStreamEndsTheTurnAndTheNextLineIsAnswered() throws IOException {
        server.enqueue(ScriptedReply.sseThenDrop(List.of(
                "data: {\"id\":\"n\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"Half an ans\"}}}\n\n")));
        Run r = chat("first\rsecond\r/history\r");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Half an ans").contains("Echo: second").contains("user (unanswered): first");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("llama chat: the answer was cut off: ").contains("the turn was not answered")
                .doesNotMatch(CliRun.CLASS_NAME);
    }

    @Test
    void theModelCanBeChangedForTheNextTurns() throws IOException {
        Run r = chat("/model other-model\rhi\r/model\r");
        assertThat(r.code()).as(r.err()).isZero();
        // the last chat request (a model the server lacks is answered 404, and the error then lists the server's models)
        List<RecordedRequest> requests = server.requests().stream().filter(q -> q.path().contains("chat")).toList();
        assertThat(requests.get(requests.size() - 1).json().get("model").asText()).isEqualTo("other-model");
        assertThat(r.out()).contains("model: other-model");
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
