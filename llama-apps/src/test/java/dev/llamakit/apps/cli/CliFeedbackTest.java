package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaTimeoutException;
import dev.llamakit.retrieval.lucene.IndexUnreadableException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.ScriptedReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Errors in the user's words, an index that remembers how it was built, quiet logs, help, completion, colours. */
class CliFeedbackTest {
    static final String KEY = "test-key-123";
    static final Path DOCS = Path.of("../docs").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    static LlamaTestServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = LlamaTestServer.builder().apiKey(KEY).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }


    CliRun run(Map<String, String> env, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true), Map.copyOf(env)::get, terminal, tmp.resolve("home"), handler -> () -> { });
        int code = LlamaCli.run(ctx, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    CliRun run(String... args) {
        return run(Map.of(), false, args);
    }

    static String[] online(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--base-url", server.baseUrl(), "--dialect", "llama", "--api-key", KEY));
        return all.toArray(String[]::new);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Path folder(String... files) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("docs"));
        for (String f : files) {
            Files.copy(DOCS.resolve(f), folder.resolve(f));
        }
        return folder;
    }

    // ---- errors in the user's words

    @Test
    void connectionRefusedSaysSoAndVerboseAddsTheCauses() throws IOException {
        String url = "http://127.0.0.1:" + closedPort() + "/v1";
        CliRun r = run("models", "--base-url", url, "--api-key", KEY).errorInWords(3);
        assertThat(r.err()).contains("cannot reach the server at " + url + ": connection refused")
                .contains("nothing is listening");
        CliRun v = run("models", "--base-url", url, "--api-key", KEY, "-v");
        assertThat(v.code()).isEqualTo(3);
        // with -v the server, dialect and key source come first; then the error line
        assertThat(v.err().lines().filter(l -> l.startsWith("llama models:")).findFirst().orElseThrow())
                .contains("connection refused").doesNotMatch(CliRun.CLASS_NAME);
        assertThat(v.err()).contains("caused by: ").contains("LlamaConnectionException").contains("\tat ");
    }

    /** https:// to a server that speaks plain HTTP (a loopback socket that answers the TLS hello with HTTP). */
    @Test
    void tlsToAPlainHttpServerIsATlsFailure() throws Exception {
        try (ServerSocket plain = new ServerSocket(0)) {
            Thread answer = new Thread(() -> {
                while (!plain.isClosed()) { // every attempt (the client retries)
                    answerWithHttp(plain);
                }
            });
            answer.setDaemon(true);
            answer.start();
            String url = "https://127.0.0.1:" + plain.getLocalPort() + "/v1";
            assertThat(run("models", "--base-url", url, "--api-key", KEY, "--dialect", "openai").errorInWords(3).err())
                    .contains("secure (TLS) connection to " + url + " failed").contains("http or https");
        }
    }

    private static void answerWithHttp(ServerSocket plain) {
        try (java.net.Socket s = plain.accept()) {
            s.getInputStream().read(new byte[4096]); // the TLS hello
            s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (IOException ignored) {
            // the test sees the client's side
        }
    }

    @Test
    void unknownHostTimeoutAndTlsFromTheirCauses() {
        CliErrors.Server s = new CliErrors.Server("http://gpu-box:8000/v1", "LLAMA_API_KEY", true, "m", List::of);
        assertThat(CliErrors.describe(new LlamaConnectionException("request failed",
                new UnknownHostException("gpu-box: Name or service not known")), s))
                .isEqualTo(new CliErrors.Failure(3, "unknown host 'gpu-box': check the server URL (http://gpu-box:8000/v1)"));
        assertThat(CliErrors.describe(new LlamaTimeoutException("connect timed out to gpu-box:8000",
                new HttpConnectTimeoutException("HTTP connect timed out")), s).message())
                .contains("did not answer in time").contains("connect timed out to gpu-box:8000");
        assertThat(CliErrors.describe(new LlamaConnectionException("x",
                new SSLHandshakeException("PKIX path building failed")), s).message())
                .contains("TLS").contains("PKIX path building failed").doesNotMatch(CliRun.CLASS_NAME);
        assertThat(CliErrors.describe(new IllegalStateException("java.io.EOFException: stream ended"), null))
                .isEqualTo(new CliErrors.Failure(3, "stream ended"));
        assertThat(CliErrors.describe(new UncheckedIOException(new AccessDeniedException("/data/x.txt")), null))
                .isEqualTo(new CliErrors.Failure(2, "cannot read /data/x.txt: permission denied"));
        assertThat(CliErrors.describe(new NullPointerException(), null).message())
                .isEqualTo("an unexpected internal error (run with -v for the details)");
    }

    @Test
    void a401SaysWhetherAKeyWasSent() {
        assertThat(run("models", "--dialect", "openai", "--base-url", server.compatBaseUrl()).errorInWords(3).err())
                .contains("answered 401").contains("no API key was sent").contains("OPENAI_API_KEY").contains("--api-key");
        assertThat(run("models", "--base-url", server.baseUrl(), "--dialect", "llama").errorInWords(2).err())
                .contains("no API key for the server at " + server.baseUrl()).contains("LLAMA_API_KEY");
        assertThat(run("models", "--base-url", server.baseUrl(), "--dialect", "llama", "--api-key", "wrong").errorInWords(3).err())
                .contains("refused the API key").contains("(401)").doesNotContain("wrong");
    }

    @Test
    void a403AndAnUnknownModelNameWhatTheServerHas() throws IOException {
        Path context = Files.writeString(tmp.resolve("c.txt"), "The sky is blue. Grass is green.");
        server.enqueue(ScriptedReply.status(403));
        assertThat(run(online("ask", "-c", context.toString(), "What colour is the sky?")).errorInWords(3).err())
                .contains("refused access (403)");
        CliRun r = run(online("ask", "-c", context.toString(), "--model", "no-such-model", "What colour?")).errorInWords(3);
        assertThat(r.err()).contains("no model 'no-such-model' (404)").contains(server.models().get(0))
                .contains("--model");
    }

    @Test
    void aCorruptIndexSaysHowToRebuildIt() throws IOException {
        Path folder = folder("client.md");
        Path index = tmp.resolve("index");
        assertThat(run("rag", "index", folder.toString(), "--index", index.toString()).code()).isZero();
        Path segments;
        try (var files = Files.list(index)) {
            segments = files.filter(p -> p.getFileName().toString().startsWith("segments_")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segments);
        Files.write(segments, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
        CliRun r = run("rag", "ask", "--index", index.toString(), "How are retries configured?").errorInWords(2);
        assertThat(r.err()).contains("the index files are damaged; restore it from a backup, or rebuild it: rm -r "
                + index + " && llama rag index FOLDER --index " + index).doesNotContain("resource=");
        assertThat(run("rag", "index", folder.toString(), "--index", index.toString()).errorInWords(2).err())
                .contains("damaged").contains("llama rag index");
        IndexUnreadableException e = new IndexUnreadableException(index, IndexUnreadableException.Reason.CORRUPT,
                "the index files are damaged (CorruptIndexException: checksum failed)");
        assertThat(CliErrors.describe(e, null).message()).doesNotMatch(CliRun.CLASS_NAME)
                .endsWith("damaged; restore it from a backup, or rebuild it: rm -r " + index + " && llama rag index FOLDER --index " + index);
    }

    @Test
    void unreadableFilesSayWhy() throws IOException {
        assertThat(run("summarize", tmp.resolve("missing.txt").toString()).errorInWords(2).err())
                .contains("no such file");
        assertThat(run("summarize", tmp.toString()).errorInWords(2).err()).contains("is a folder");
        Path binary = Files.write(tmp.resolve("x.bin"), new byte[] {1, 2, 0, 3});
        assertThat(run("summarize", binary.toString()).errorInWords(2).err()).contains("binary content (NUL byte at offset 2)");
        Path locked = Files.writeString(tmp.resolve("locked.txt"), "secret text here.");
        Assumptions.assumeTrue(locked.toFile().setReadable(false, false) && !Files.isReadable(locked),
                "running as root: every file is readable");
        assertThat(run("summarize", locked.toString()).errorInWords(2).err()).contains("permission denied");
    }

    // ---- an index remembers how it was built

    @Test
    void anIndexRemembersItsRetrieverEmbedderAndFusion() throws IOException {
        Path folder = folder("client.md", "memory.md");
        Path index = tmp.resolve("hybrid");
        CliRun built = run("rag", "index", folder.toString(), "--index", index.toString(), "--retriever", "hybrid",
                "--fusion", "minmax", "--json");
        assertThat(built.code()).as(built.err()).isZero();
        assertThat(IndexSettings.read(index)).contains(
                new IndexSettings("hybrid", EmbedderChoice.DEFAULT, "minmax", RetrieverOptions.CHUNKING,
                        folder.toAbsolutePath().normalize().toString()));

        // again without flags: updated as built
        CliRun again = run("rag", "index", folder.toString(), "--index", index.toString(), "--json");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.json().get("retriever").asText()).isEqualTo("hybrid");
        assertThat(again.json().get("unchanged").asInt()).isEqualTo(2);

        CliRun ask = run("rag", "ask", "--index", index.toString(), "--json", "How does the client retry a 429?");
        assertThat(ask.code()).as(ask.err()).isZero();
        assertThat(ask.json().get("cited").get(0).get("path").asText()).isEqualTo("client.md");
        // documented overrides: --fusion, and a retriever that reads the same vectors
        assertThat(run("rag", "ask", "--index", index.toString(), "--fusion", "rrf", "q").code()).isZero();
        assertThat(run("rag", "ask", "--index", index.toString(), "--retriever", "vector", "q").code()).isZero();

        // conflicts are clear errors
        assertThat(run("rag", "index", folder.toString(), "--index", index.toString(), "--retriever", "vector")
                .errorInWords(2).err()).contains("was built with --retriever hybrid --embedder all-minilm-l6-v2-q "
                + "--fusion minmax").contains("leave --retriever out");
        assertThat(run("rag", "ask", "--index", index.toString(), "--embedder", "bge-small-en-v1.5-q", "q")
                .errorInWords(2).err()).contains("vectors come from all-minilm-l6-v2-q").contains("leave --embedder out");
    }

    @Test
    void anIndexCitesPathAndLineLikeDocsWhileItsFolderIsThere() throws IOException {
        Path folder = folder("client.md", "memory.md");
        Path index = tmp.resolve("cited");
        String question = "How does the client retry a 429?";
        run("rag", "index", folder.toString(), "--index", index.toString(), "--retriever", "hybrid").ok();

        JsonNode fromIndex = run("rag", "ask", "--index", index.toString(), "--json", question).ok().json();
        JsonNode fromDocs = run("rag", "ask", "--docs", folder.toString(), "--json", question).ok().json();
        JsonNode cited = fromIndex.get("cited").get(0);
        assertThat(cited.get("path").asText()).isEqualTo("client.md");
        int line = cited.get("line").asInt();
        assertThat(line).as("the line the answer is on, as --docs finds it").isPositive()
                .isEqualTo(fromDocs.get("cited").get(0).get("line").asInt());
        String quoted = fromIndex.get("answer").asText().replaceAll("\\s*\\[\\d+]", "").strip();
        assertThat(Files.readAllLines(folder.resolve("client.md")).get(line - 1))
                .contains(quoted.substring(0, Math.min(30, quoted.length())));
        assertThat(run("rag", "ask", "--index", index.toString(), question).ok().out())
                .contains("[1] client.md:" + line + " \u2014 ");

        // the folder moved: the same citation without a line, and no error
        Files.move(folder, tmp.resolve("moved"));
        CliRun moved = run("rag", "ask", "--index", index.toString(), question).ok();
        assertThat(moved.out()).contains("client.md").doesNotContain("client.md:");
        assertThat(moved.err()).isEmpty();
    }

    @Test
    void aBm25IndexCannotBeAskedWithVectors() throws IOException {
        Path folder = folder("client.md");
        Path index = tmp.resolve("bm25");
        assertThat(run("rag", "index", folder.toString(), "--index", index.toString()).code()).isZero();
        assertThat(IndexSettings.read(index)).contains(new IndexSettings("bm25", null, null, RetrieverOptions.CHUNKING,
                folder.toAbsolutePath().normalize().toString()));
        assertThat(run("rag", "ask", "--index", index.toString(), "--retriever", "hybrid", "q").errorInWords(2).err())
                .contains("was built with --retriever bm25, not --retriever hybrid");
        assertThat(IndexSettings.read(tmp.resolve("nothing-here"))).isEmpty();
    }

    // ---- logging and skipped files

    @Test
    void libraryWarningsOnlyWithVerboseAndSkippedFilesSummarisedOnce() throws IOException {
        Path folder = folder("client.md");
        Files.write(folder.resolve("blob.txt"), new byte[] {'a', 0, 'b'});
        Files.write(folder.resolve("image.txt"), new byte[] {1, 0, 2});
        PrintStream original = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        CliRun quiet;
        CliRun verbose;
        CliRun index;
        String quietLogs;
        try {
            quiet = run("rag", "ask", "--docs", folder.toString(), "How does the client retry a 429?");
            quietLogs = logs.toString(StandardCharsets.UTF_8);
            logs.reset();
            verbose = run("rag", "ask", "--docs", folder.toString(), "-v", "How does the client retry a 429?");
            index = run("rag", "index", folder.toString(), "--index", tmp.resolve("i").toString());
        } finally {
            System.setErr(original);
        }
        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(quietLogs).doesNotContain("WARN").doesNotContain("blob.txt");
        assertThat(quiet.err().strip()).isEqualTo("llama rag ask: skipped 2 files: 2 binary content (blob.txt, image.txt)");
        assertThat(quiet.out()).doesNotContain("blob.txt");
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("WARN").contains("skipping blob.txt");
        assertThat(verbose.err()).containsOnlyOnce("skipped 2 files");
        assertThat(index.out()).containsOnlyOnce("blob.txt").contains("skipped 2 files: 2 binary content");
    }

    @Test
    void skippedFilesSummary() {
        var f = List.of(new dev.llamakit.documents.LoadReport.SkippedFile("a.bin", "binary content (NUL byte at offset 3)"),
                new dev.llamakit.documents.LoadReport.SkippedFile("big.txt", "too large (9 bytes; the limit is 8)"));
        assertThat(SkippedFiles.summary(f)).isEqualTo("skipped 2 files: binary content (NUL byte at offset 3) (a.bin); "
                + "too large (9 bytes; the limit is 8) (big.txt)");
        assertThat(SkippedFiles.summary(List.of())).isEmpty();
    }

    // ---- help, suggestions, completion, colours

    @Test
    void everyHelpHasExamples() {
        List<List<String>> paths = new ArrayList<>();
        collect(LlamaCli.commandLine(CliContext.of(new ByteArrayInputStream(new byte[0]),
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Map.of(), tmp)), List.of(), paths);
        assertThat(paths).hasSizeGreaterThan(10);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun r = run(args.toArray(String[]::new));
            assertThat(r.code()).as("%s: %s", path, r.err()).isZero();
            assertThat(r.out()).as("llama %s --help", String.join(" ", path)).contains("\nExamples:\n");
            String examples = r.out().substring(r.out().indexOf("Examples:"));
            assertThat(examples).contains("llama ").endsWith("\n");
            assertThat(examples.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        }
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(path);
        cmd.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            collect(sub, p, out);
        });
    }

    @Test
    void mistypedCommandsAndOptionsGetSuggestions() {
        CliRun command = run("sumarize", "notes.md");
        assertThat(command.code()).isEqualTo(1);
        assertThat(command.err().strip()).isEqualTo("llama: unknown command 'sumarize' (did you mean 'summarize'?) "
                + "(see 'llama --help')");
        CliRun sub = run("rag", "aks", "q");
        assertThat(sub.err()).contains("unknown command 'aks'").contains("did you mean 'ask'");
        CliRun option = run("rag", "ask", "--docs", DOCS.toString(), "--retriver", "bm25", "q");
        assertThat(option.code()).isEqualTo(1);
        assertThat(option.err()).contains("'--retriver'").contains("did you mean '--retriever'");
        assertThat(option.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void completionScriptsForBashAndZsh() throws Exception {
        CliRun bash = run("completion", "bash");
        assertThat(bash.code()).as(bash.err()).isZero();
        assertThat(bash.out()).contains("complete -F").contains("summarize").contains("--retriever").contains("completion");
        CliRun zsh = run("completion", "zsh");
        assertThat(zsh.code()).isZero();
        assertThat(zsh.out()).contains("bashcompinit");
        assertThat(run("completion", "fish").code()).isEqualTo(1);

        Path bashExe = Path.of("/bin/bash");
        Assumptions.assumeTrue(Files.isExecutable(bashExe), "no bash here");
        Path script = Files.writeString(tmp.resolve("llama.bash"), bash.out());
        Process p = new ProcessBuilder(bashExe.toString(), "-c", "source " + script + " && complete -p llama")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("llama");
    }

    @Test
    void coloursOnlyOnATerminalAndNeverWithNoColor() {
        Map<String, String> env = new HashMap<>();
        assertThat(run(env, true, "rag", "--help").out()).contains("\u001B[");
        assertThat(run(env, false, "rag", "--help").out()).doesNotContain("\u001B[");
        env.put("NO_COLOR", "1");
        assertThat(run(env, true, "rag", "--help").out()).doesNotContain("\u001B[");
        assertThat(run(env, true, "sumarize").err()).doesNotContain("\u001B[");
    }
}
