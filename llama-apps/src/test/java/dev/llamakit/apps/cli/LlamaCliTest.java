package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.testkit.LlamaTestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.StreamOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command end to end: against the loopback test server, offline on the project's docs, and on bad input. */
class LlamaCliTest {
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


    CliRun withInput(String stdin, String... args) {
        return withEnv(Map.of(), stdin, args);
    }

    CliRun withEnv(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = CliContext.of(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), env, tmp.resolve("home"));
        int code = LlamaCli.run(ctx, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    CliRun run(String... args) {
        return withInput("", args);
    }

    /** Online options: the test server (native: a loopback URL alone would be OpenAI-compatible) and its key, given explicitly. */
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

    // ---- models

    @Test
    void modelsOnlineListsTheServersModels() {
        CliRun r = run(online("models"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(server.models().get(0));
        CliRun j = run(online("models", "--json"));
        assertThat(j.json().get("models").get(0).get("id").asText()).isEqualTo(server.models().get(0));
    }

    /** LLAMA_API_KEY goes to the Llama API only; another OpenAI-compatible server gets OPENAI_API_KEY. */
    @Test
    void environmentKeysGoOnlyWhereTheyBelong() {
        try (LlamaTestServer open = LlamaTestServer.builder().requireApiKey(false).start()) {
            Map<String, String> env = Map.of("LLAMA_API_KEY", KEY);
            CliRun r = withEnv(env, "", "models", "--dialect", "openai", "--base-url", open.compatBaseUrl());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(open.requests().get(0).header("Authorization")).isNull();

            withEnv(Map.of("LLAMA_API_KEY", KEY, "OPENAI_API_KEY", "sk-openai-cli"), "", "models", "--dialect", "openai",
                    "--base-url", open.compatBaseUrl());
            assertThat(open.requests().get(1).header("Authorization")).isEqualTo("Bearer sk-openai-cli");

            CliRun fromEnv = withEnv(Map.of("OPENAI_BASE_URL", open.compatBaseUrl()), "", "models", "--dialect", "openai", "--json");
            assertThat(fromEnv.code()).as(fromEnv.err()).isZero();
            assertThat(open.requests()).hasSize(3);
        }
    }

    @Test
    void credentialsInTheBaseUrlAreNeverPrinted() throws IOException {
        String secret = "pw-CLI-SECRET-77";
        try (LlamaTestServer open = LlamaTestServer.builder().requireApiKey(false).start()) {
            String url = open.compatBaseUrl().replace("http://", "http://me:" + secret + "@");
            CliRun ok = run("models", "--dialect", "openai", "--base-url", url, "--json");
            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(ok.json().get("baseUrl").asText()).isEqualTo(open.compatBaseUrl());
            assertThat(ok.out() + ok.err()).doesNotContain(secret);
        }
        String down = "http://me:" + secret + "@127.0.0.1:" + closedPort() + "/v1";
        CliRun failed = run("models", "--dialect", "openai", "--base-url", down).oneLineError(3);
        assertThat(failed.err()).doesNotContain(secret).contains("127.0.0.1");
    }

    @Test
    void modelsOfflineIsAnInputError() {
        CliRun r = run("models").oneLineError(2);
        assertThat(r.err()).contains("needs a server");
        run("models", "--offline", "--api-key", KEY).oneLineError(2);
    }

    @Test
    void wrongKeyIs401AndAServiceError() {
        CliRun r = run("models", "--base-url", server.baseUrl(), "--dialect", "llama", "--api-key", "wrong").oneLineError(3);
        assertThat(r.err()).contains("401").doesNotContain("wrong");
        run("summarize", DOCS.resolve("client.md").toString(), "--base-url", server.baseUrl(), "--dialect", "llama", "--api-key", "wrong")
                .oneLineError(3);
    }

    @Test
    void unreachableServerIsAServiceError() throws IOException {
        CliRun r = run("models", "--base-url", "http://127.0.0.1:" + closedPort() + "/v1", "--api-key", KEY).oneLineError(3);
        assertThat(r.err()).contains("cannot reach");
    }

    // ---- summarize

    @Test
    void summarizeOfflineOnRealText() {
        CliRun r = run("summarize", DOCS.resolve("memory.md").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(AppCommand.OFFLINE_NOTE);
        assertThat(r.out().length()).isGreaterThan(100);
        JsonNode j = run("summarize", DOCS.resolve("memory.md").toString(), "--json").json();
        assertThat(j.get("offline").asBoolean()).isTrue();
        assertThat(j.get("summary").asText()).isNotBlank();
        assertThat(j.get("chunks").asInt()).isPositive();
    }

    @Test
    void summarizeReadsStandardInput() {
        String text = "Lisbon is the capital of Portugal. It lies on the Tagus. Trams climb its hills. "
                + "The city was rebuilt after the 1755 earthquake. Its port shaped its history.";
        CliRun r = withInput(text, "summarize", "-");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(AppCommand.OFFLINE_NOTE);
    }

    @Test
    void summarizeOnlineUsesTheModel() {
        CliRun r = run(online("summarize", DOCS.resolve("client.md").toString(), "--instruction", "three bullets"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Echo:").doesNotContain(AppCommand.OFFLINE_NOTE);
        JsonNode j = run(online("summarize", DOCS.resolve("client.md").toString(), "--json")).json();
        assertThat(j.get("offline").asBoolean()).isFalse();
        assertThat(j.get("model").asText()).isEqualTo(CommonOptions.DEFAULT_MODEL);
    }

    @Test
    void badFilesAreInputErrors() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "  \n");
        Path binary = Files.write(tmp.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Path latin1 = Files.write(tmp.resolve("latin1.txt"),
                "Le caf\u00e9 ouvre \u00e0 sept heures le matin.".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(run("summarize", tmp.resolve("missing.txt").toString()).oneLineError(2).err()).contains("no such file");
        assertThat(run("summarize", empty.toString()).oneLineError(2).err()).contains("empty");
        assertThat(run("summarize", binary.toString()).oneLineError(2).err()).contains("binary");
        Path control = Files.write(tmp.resolve("control.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, 0x01});
        assertThat(run("summarize", control.toString()).oneLineError(2).err()).contains("not text").contains("binary");
        CliRun read = run("summarize", latin1.toString()); // Latin-1 is text
        assertThat(read.code()).as(read.err()).isZero();
        assertThat(read.out()).contains("caf\u00e9");
        assertThat(run("summarize", tmp.toString()).oneLineError(2).err()).contains("folder");
        run("ask", "--context", binary.toString(), "what?").oneLineError(2);
        withInput("", "summarize").oneLineError(2);
    }

    // ---- ask

    @Test
    void askOfflineAnswersFromTheContext() throws IOException {
        Path context = Files.writeString(tmp.resolve("ctx.txt"),
                "The Eiffel Tower is in Paris. It was completed in 1889. It is 330 metres tall. "
                        + "Gustave Eiffel's company built it for the World's Fair.");
        CliRun r = run("ask", "--context", context.toString(), "When", "was", "the", "tower", "completed?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1889").contains(AppCommand.OFFLINE_NOTE);
        JsonNode j = run("ask", "--context", context.toString(), "How tall is it?", "--json").json();
        assertThat(j.get("offline").asBoolean()).isTrue();
        assertThat(j.get("answer").asText()).contains("330");
    }

    @Test
    void askOnlineUsesTheModel() throws IOException {
        Path context = Files.writeString(tmp.resolve("ctx.txt"), "The meeting is on Tuesday.");
        CliRun r = run(online("ask", "--context", context.toString(), "When is the meeting?"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Echo:").doesNotContain(AppCommand.OFFLINE_NOTE);
    }

    @Test
    void askWithoutContextIsAUsageError() {
        CliRun r = run("ask", "what?");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--context");
    }

    // ---- rag

    @Test
    void ragAskOfflineFromTheProjectDocs() {
        CliRun r = run("rag", "ask", "--docs", DOCS.toString(), "How does the summarization memory work?");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Sources:").containsPattern("\\[1] [\\w./-]+\\.md:\\d+ \u2014 .+")
                .contains(AppCommand.OFFLINE_NOTE);
        JsonNode j = run("rag", "ask", "--docs", DOCS.toString(), "--retriever", "keyword", "--top-k", "3", "--json",
                "How are summaries persisted?").json();
        assertThat(j.get("offline").asBoolean()).isTrue();
        assertThat(j.get("cited").size() + j.get("uncited").size()).isBetween(1, 3);
        assertThat(j.get("filesLoaded").asInt()).isPositive();
    }

    @Test
    void ragAskOnlineSendsNumberedPassages() {
        server.clearRecorded();
        CliRun r = run(online("rag", "ask", "--docs", DOCS.toString(), "How are retries configured?"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Echo:").doesNotContain(AppCommand.OFFLINE_NOTE);
        assertThat(server.requests()).isNotEmpty();
    }

    @Test
    void ragIndexThenAskFromTheIndex() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("docs"));
        Files.copy(DOCS.resolve("memory.md"), folder.resolve("memory.md"));
        Files.copy(DOCS.resolve("client.md"), folder.resolve("client.md"));
        Files.write(folder.resolve("blob.txt"), new byte[] {'a', 0, 'b'});
        Path index = tmp.resolve("index");

        CliRun r = run("rag", "index", folder.toString(), "--index", index.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 added").contains("1 skipped").contains("blob.txt");
        assertThat(r.err()).isEmpty(); // not a terminal: no progress line

        JsonNode again = run("rag", "index", folder.toString(), "--index", index.toString(), "--json").json();
        assertThat(again.get("unchanged").asInt()).isEqualTo(2);
        assertThat(again.get("added").asInt()).isZero();
        assertThat(again.get("skippedFiles").get(0).get("path").asText()).isEqualTo("blob.txt");

        CliRun ask = run("rag", "ask", "--index", index.toString(), "How is the conversation file written?");
        assertThat(ask.code()).as(ask.err()).isZero();
        assertThat(ask.out()).contains("Sources:").contains("memory.md");
    }

    @Test
    void ragIndexKeepsItsRecordInsideTheIndexAndVerifiesChecksums() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("docs"));
        Files.copy(DOCS.resolve("memory.md"), folder.resolve("memory.md"));
        Files.copy(DOCS.resolve("client.md"), folder.resolve("client.md"));
        Path index = tmp.resolve("index");
        // the old layout: a manifest beside the index, and the lock file a killed run left there
        Files.writeString(tmp.resolve("index.manifest.json.lock"), "4194303");
        CliRun r = run("rag", "index", folder.toString(), "--index", index.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("manifest").asText()).isEqualTo(index.toString());
        assertThat(tmp.resolve("index.manifest.json")).doesNotExist();
        assertThat(tmp.resolve("index.manifest.json.lock")).doesNotExist();

        CliRun verified = run("rag", "index", folder.toString(), "--index", index.toString(), "--verify");
        assertThat(verified.code()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("every checksum matches").contains("2 unchanged");

        Path cfs;
        try (var files = Files.list(index)) {
            cfs = files.filter(p -> p.toString().endsWith(".cfs")).findFirst().orElseThrow();
        }
        try (var ch = java.nio.channels.FileChannel.open(cfs, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("garbage!".getBytes(StandardCharsets.US_ASCII)), Files.size(cfs) / 2);
        }
        assertThat(run("rag", "index", folder.toString(), "--index", index.toString(), "--verify").oneLineError(2)
                .err()).contains(cfs.getFileName().toString()).contains("damaged").contains("backup");
    }

    @Test
    void ragBadInput() {
        assertThat(run("rag", "ask", "--index", tmp.resolve("none").toString(), "q").oneLineError(2).err())
                .contains("no index");
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--retriever", "dense", "q").oneLineError(2).err())
                .contains("unknown retriever 'dense'").contains("bm25");
        run("rag", "ask", "--docs", tmp.resolve("nope").toString(), "q").oneLineError(2);
        run("rag", "index", tmp.resolve("nope").toString(), "--index", tmp.resolve("i").toString()).oneLineError(2);
        assertThat(run("rag", "ask", "--docs", "a", "--index", "b", "q").code()).isEqualTo(1);
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--rerank", "oracle", "q").oneLineError(2).err())
                .contains("unknown reranker 'oracle'").contains("mmr").contains("llm");
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--rerank", "llm", "q").oneLineError(2).err())
                .contains("--rerank llm needs a model");
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--rerank", "llm", "--top-k", "5", "--candidates", "3", "q")
                .code()).isEqualTo(1);
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--candidates", "30", "q").code()).isEqualTo(1);
    }

    @Test
    void hybridIndexThenAskWithTheRealEmbedder() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("docs"));
        Files.copy(DOCS.resolve("client.md"), folder.resolve("client.md"));
        Files.copy(DOCS.resolve("memory.md"), folder.resolve("memory.md"));
        Path index = tmp.resolve("hybrid-index");
        CliRun built = run("rag", "index", folder.toString(), "--index", index.toString(), "--retriever", "hybrid", "--json");
        assertThat(built.code()).as(built.err()).isZero();
        assertThat(built.json().get("added").asInt()).isEqualTo(2);
        assertThat(built.json().get("retriever").asText()).isEqualTo("hybrid");

        CliRun ask = run("rag", "ask", "--index", index.toString(), "--retriever", "hybrid", "--json",
                "How does the client retry a 429?");
        assertThat(ask.code()).as(ask.err()).isZero();
        assertThat(ask.json().get("cited").get(0).get("path").asText()).isEqualTo("client.md");

        // the same folder through vector alone, and MMR over the hybrid candidates
        CliRun vector = run("rag", "ask", "--index", index.toString(), "--retriever", "vector", "--top-k", "3",
                "--rerank", "mmr", "--json", "How are retries with backoff configured?");
        assertThat(vector.code()).as(vector.err()).isZero();
        assertThat(vector.json().get("cited").size() + vector.json().get("uncited").size()).isEqualTo(3);

        // the index remembers it was built by hybrid: no flags needed, and bm25 cannot read its vectors
        CliRun remembered = run("rag", "ask", "--index", index.toString(), "--json", "How does the client retry a 429?");
        assertThat(remembered.code()).as(remembered.err()).isZero();
        assertThat(remembered.json().get("cited").get(0).get("path").asText()).isEqualTo("client.md");
        assertThat(run("rag", "ask", "--index", index.toString(), "--retriever", "bm25", "q").oneLineError(2).err())
                .contains("hybrid");
        // nor can another embedder read its vectors
        assertThat(run("rag", "ask", "--index", index.toString(), "--retriever", "hybrid", "--embedder",
                "bge-small-en-v1.5-q", "q").oneLineError(2).err()).contains("all-minilm-l6-v2-q");
    }

    @Test
    void opensearchNeedsAUrlAndReportsAnUnreachableCluster() throws IOException {
        assertThat(run("rag", "ask", "--retriever", "opensearch", "q").oneLineError(2).err())
                .contains("--opensearch-url");
        String url = "http://127.0.0.1:" + closedPort();
        assertThat(run("rag", "ask", "--retriever", "opensearch", "--opensearch-url", url, "q").oneLineError(3).err())
                .contains(url);
        assertThat(run("rag", "index", DOCS.toString(), "--retriever", "opensearch", "--opensearch-url", url,
                "--manifest", tmp.resolve("os.manifest.json").toString()).oneLineError(3).err()).contains(url);
        assertThat(run("eval", "beir", tmp.toString(), "--retriever", "opensearch").code()).isEqualTo(2);
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--retriever", "opensearch", "--opensearch-url", url, "q")
                .oneLineError(2).err()).contains("llama rag index DIR --retriever opensearch");
    }

    @Test
    void retrieverOptionMisuseIsAClearError() {
        assertThat(run("rag", "index", DOCS.toString(), "--retriever", "keyword").oneLineError(2).err())
                .contains("in memory");
        assertThat(run("rag", "ask", "--index", tmp.toString(), "--retriever", "keyword", "q").oneLineError(2).err())
                .contains("--docs");
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--retriever", "bm25", "--fusion", "rrf", "q").code()).isEqualTo(1);
        assertThat(run("rag", "ask", "--docs", DOCS.toString(), "--retriever", "vector", "--embedder", "word2vec", "q")
                .oneLineError(2).err()).contains("unknown embedder 'word2vec'");
    }

    @Test
    void ragAskWithAnLlmRerankerAsksTheModelToOrderTheCandidates() {
        server.clearRecorded();
        server.enqueue(ScriptedReply.text("3, 1"));
        CliRun r = run(online("rag", "ask", "--docs", DOCS.toString(), "--rerank", "llm", "--top-k", "2", "--candidates", "6",
                "--json", "How are retries configured?"));
        assertThat(r.code()).as(r.err()).isZero();
        List<dev.llamakit.testkit.RecordedRequest> requests = server.requests();
        assertThat(requests).hasSize(2);
        String rerankPrompt = requests.get(0).json().get("messages").get(1).get("content").asText();
        assertThat(rerankPrompt).contains("[6] ").doesNotContain("[7] ");
        String answerPrompt = requests.get(1).json().get("messages").get(1).get("content").asText();
        assertThat(answerPrompt).contains("[2] (").doesNotContain("[3] (");
        assertThat(r.json().get("cited").size() + r.json().get("uncited").size()).isEqualTo(2);
    }

    @Test
    void ragAskOnAFolderWithoutDocumentsIsAnInputError() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("binaries"));
        Files.write(folder.resolve("x.txt"), new byte[] {0, 1, 2});
        assertThat(run("rag", "ask", "--docs", folder.toString(), "q").oneLineError(2).err()).contains("no documents");
    }

    // ---- eval

    @Test
    void evalBeirOnATinyCollection() throws IOException {
        Path beir = Files.createDirectories(tmp.resolve("tiny"));
        Files.writeString(beir.resolve("corpus.jsonl"), String.join("\n",
                "{\"_id\":\"d1\",\"title\":\"Cats\",\"text\":\"Cats purr and sleep most of the day.\"}",
                "{\"_id\":\"d2\",\"title\":\"Dogs\",\"text\":\"Dogs bark at the postman.\"}",
                "{\"_id\":\"d3\",\"title\":\"Fish\",\"text\":\"Fish swim in schools.\"}") + "\n");
        Files.writeString(beir.resolve("queries.jsonl"), "{\"_id\":\"q1\",\"text\":\"why do cats purr\"}\n"
                + "{\"_id\":\"q2\",\"text\":\"dogs barking\"}\n");
        Files.writeString(beir.resolve("qrels-test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
        CliRun r = run("eval", "beir", beir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("nDCG@10     1.0000").contains("Recall@100  1.0000").contains("MRR@10      1.0000");
        JsonNode j = run("eval", "beir", beir.toString(), "--retriever", "keyword", "--json").json();
        assertThat(j.get("queries").asInt()).isEqualTo(2);
        assertThat(j.get("ndcgAt10").asDouble()).isBetween(0.0, 1.0);
        // with vectors: a paraphrase with no shared word ("felines", "canines") still finds its document
        Files.writeString(beir.resolve("queries.jsonl"), "{\"_id\":\"q1\",\"text\":\"felines resting\"}\n"
                + "{\"_id\":\"q2\",\"text\":\"canines making noise\"}\n");
        JsonNode vector = run("eval", "beir", beir.toString(), "--retriever", "vector", "--json").json();
        assertThat(vector.get("embedder").asText()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(vector.get("mrrAt10").asDouble()).isEqualTo(1.0);
        JsonNode hybrid = run("eval", "beir", beir.toString(), "--retriever", "hybrid", "--fusion", "rrf", "--json").json();
        assertThat(hybrid.get("mrrAt10").asDouble()).isEqualTo(1.0);
        JsonNode bm25 = run("eval", "beir", beir.toString(), "--json").json();
        assertThat(bm25.get("mrrAt10").asDouble()).as("no shared word: bm25 finds nothing").isZero();
        assertThat(run("eval", "beir", beir.toString(), "--retriever", "nope").oneLineError(2).err()).contains("nope");
        run("eval", "beir", tmp.resolve("missing").toString()).oneLineError(2);
    }

    @Test
    void evalBeirOnSciFactWhenPresent() {
        Path scifact = sciFact();
        org.junit.jupiter.api.Assumptions.assumeTrue(scifact != null,
                "no SciFact: shared/data/beir/scifact above the module, -Dllamakit.beir.dir or LLAMAKIT_BEIR_DIR");
        JsonNode j = run("eval", "beir", scifact.toString(), "--json", "--threads", "4").json();
        assertThat(j.get("ndcgAt10").asDouble()).isEqualTo(0.6789);
        assertThat(j.get("recallAt100").asDouble()).isEqualTo(0.9253);
        assertThat(j.get("mrrAt10").asDouble()).isEqualTo(0.6457);
    }

    /** SciFact as the retrieval tests find it: {@code shared/data/beir/scifact} in a folder above, or the property/env. */
    static Path sciFact() {
        String given = System.getProperty("llamakit.beir.dir", System.getenv("LLAMAKIT_BEIR_DIR"));
        if (given != null && Files.isDirectory(Path.of(given, "scifact"))) {
            return Path.of(given, "scifact");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/data/beir/scifact");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    // ---- chat

    @Test
    void chatStreamsAnswersAndRunsSlashCommands() {
        CliRun r = withInput("Hello there\n/history\n/memory\n/help\n/bogus\n/exit\nnever read\n", online("chat"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Echo: Hello there")
                .contains("user: Hello there").contains("assistant: Echo: Hello there")
                .contains("memory: sliding-window").contains("last turn sent")
                .contains("/reset").contains("unknown command /bogus")
                .doesNotContain("never read");
    }

    @Test
    void chatSessionsResume() {
        Path sessions = tmp.resolve("sessions");
        CliRun first = withInput("My name is Ada.\n", online("chat", "--session", "ada", "--sessions-dir", sessions.toString()));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("(new)");
        CliRun second = withInput("/history\n/save\n/save " + tmp.resolve("chat.md") + "\n",
                online("chat", "--session", "ada", "--sessions-dir", sessions.toString()));
        assertThat(second.out()).contains("resumed, 2 messages").contains("user: My name is Ada.")
                .contains("saved in").contains("saved 2 messages");
        assertThat(tmp.resolve("chat.md")).content().contains("My name is Ada.");
    }

    @Test
    void chatSessionsInADatabaseTakeCredentialsFromTheEnvironmentOnly() {
        String url = "jdbc:h2:file:" + tmp.resolve("chat-db").toAbsolutePath();
        Map<String, String> env = Map.of("LLAMA_STORE_USER", "chat", "LLAMA_STORE_PASSWORD", "s3cret");
        CliRun first = withEnv(env, "My name is Ada.\n", online("chat", "--session", "ada", "--store", url));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("(new)");
        CliRun second = withEnv(env, "/history\n/save\n", online("chat", "--session", "ada", "--store", url));
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("resumed, 2 messages").contains("user: My name is Ada.")
                .contains("saved in " + url).doesNotContain("s3cret");

        CliRun inUrl = withEnv(env, "", online("chat", "--session", "ada", "--store", url + ";PASSWORD=s3cret"));
        assertThat(inUrl.code()).isNotZero();
        assertThat(inUrl.err()).contains("LLAMA_STORE_PASSWORD").doesNotContain("s3cret");
        CliRun wrong = withEnv(Map.of("LLAMA_STORE_USER", "chat", "LLAMA_STORE_PASSWORD", "wrong"), "",
                online("chat", "--session", "ada", "--store", url));
        assertThat(wrong.code()).isNotZero();
        assertThat(wrong.err()).doesNotContain("wrong");
    }

    @Test
    void chatResetAndMemoryOptions() {
        CliRun r = withInput("one\n/reset\n/history\n", online("chat", "--memory", "summarization", "--memory-option",
                "recent-messages=8"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("new conversation").contains("(no messages yet)");
    }

    @Test
    void chatJsonLines() throws IOException {
        CliRun r = withInput("first\nsecond\n", online("chat", "--json"));
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(1)).get("reply").asText()).isEqualTo("Echo: second");
    }

    @Test
    void chatReportsAFailedTurnInTheWordsOfEveryCommandAndGoesOn() {
        server.clearRecorded();
        for (int i = 0; i < 3; i++) { // the first attempt and the client's two retries
            server.enqueue(ScriptedReply.status(500));
        }
        CliRun r = withInput("first\nsecond\n/history\n", online("chat")).ok();
        assertThat(r.out()).contains("Echo: second").contains("user (unanswered): first");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err().strip()).startsWith("llama chat: the server at " + server.baseUrl() + " answered ")
                .contains("500").endsWith("(the turn was not answered; go on, or /exit)").doesNotMatch(CliRun.CLASS_NAME);
    }

    @Test
    void chatGoesOnAfterA401OnceATurnWasAnswered() {
        // a key revoked in the middle of a chat: the turn fails in CliErrors' words, the chat goes on (/save still works)
        server.enqueue(ScriptedReply.defaultReply());
        server.enqueue(ScriptedReply.status(401));
        CliRun r = withInput("first\nsecond\nthird\n", online("chat")).ok();
        assertThat(r.out()).contains("Echo: first").contains("Echo: third");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err().strip()).startsWith("llama chat: ").contains("(401)").contains("--api-key")
                .endsWith("(the turn was not answered; go on, or /exit)").doesNotMatch(CliRun.CLASS_NAME);
    }

    @Test
    void chatBadInput() throws IOException {
        assertThat(withInput("hi\n", "chat").oneLineError(2).err()).contains("needs a model");
        assertThat(withInput("hi\n", online("chat", "--memory", "goldfish")).oneLineError(2).err())
                .contains("unknown memory strategy 'goldfish'").contains("sliding-window");
        withInput("hi\n", online("chat", "--memory", "sliding-window", "--memory-option", "colour=blue")).oneLineError(2);
        withInput("hi\n", "chat", "--base-url", server.baseUrl(), "--dialect", "llama", "--api-key", "wrong").oneLineError(3);
        withInput("hi\n", "chat", "--base-url", "http://127.0.0.1:" + closedPort() + "/v1", "--api-key", KEY).oneLineError(3);
    }

    // ---- usage

    @Test
    void usageErrorsExitWithOne() {
        assertThat(run("frobnicate").code()).isEqualTo(1);
        assertThat(run("summarize", "--no-such-option").code()).isEqualTo(1);
        assertThat(run("models", "--dialect", "klingon", "--api-key", KEY).code()).isEqualTo(1);
        assertThat(run().code()).isEqualTo(1);
        CliRun help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("chat").contains("summarize").contains("rag").contains("eval");
    }

    @Test
    void ctrlCCancelsTheAnswerNotTheChat() throws Exception {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            words.append("word").append(i).append(' ');
        }
        server.clearRecorded();
        server.enqueue(ScriptedReply.text(words.toString().strip()).withEventDelay(Duration.ofMillis(50)));
        AtomicReference<Runnable> ctrlC = new AtomicReference<>();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = new CliContext(new ByteArrayInputStream("tell me a long story\nafter\n/history\n"
                .getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true), new PrintWriter(err, true),
                name -> null, false, tmp.resolve("home"), handler -> {
                    ctrlC.set(handler);
                    return () -> ctrlC.set(null);
                });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> code = pool.submit(() -> LlamaCli.run(ctx, online("chat")));
            // Ctrl-C once the answer has started streaming (a bounded wait for a condition, not a timing assertion)
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!out.toString().contains("word1 ") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(out.toString()).as("the answer started streaming").contains("word1 ");
            ctrlC.get().run();
            assertThat(code.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        } finally {
            pool.shutdownNow();
        }
        assertThat(out.toString()).contains("[answer cancelled]")
                .doesNotContain("word199")
                .contains("Echo: after") // the chat went on
                .contains("user (unanswered): tell me a long story")
                .doesNotContain("assistant: word0"); // a cancelled answer is not recorded as if it were complete
        assertThat(ctrlC.get()).as("the handler is removed when the chat ends").isNull();
        // two streams: the cancelled one (the server sees the client go) and the next turn's, in the order they ended
        List<StreamOutcome> outcomes = List.of(server.takeStreamOutcome(Duration.ofSeconds(30)),
                server.takeStreamOutcome(Duration.ofSeconds(30)));
        assertThat(outcomes).filteredOn(o -> !o.completed() && o.clientDisconnected()).hasSize(1);
        assertThat(outcomes).filteredOn(StreamOutcome::completed).hasSize(1);
    }

    @Test
    void ragIndexShowsAProgressLineOnATerminalOnly() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("docs"));
        for (String doc : List.of("memory.md", "client.md", "retrieval.md")) {
            Files.copy(DOCS.resolve(doc), folder.resolve(doc));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext terminal = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true), name -> null, true, tmp.resolve("home"), handler -> () -> { });
        int code = LlamaCli.run(terminal, new String[] {"rag", "index", folder.toString(), "--index",
                tmp.resolve("index").toString()});
        assertThat(code).as(err.toString()).isZero();
        // a bar drawn in place, then erased: the summary on stdout says the rest
        assertThat(err.toString()).startsWith("\rindexing [").contains("] 3/3 files").contains("files/s")
                .endsWith("\r").doesNotContain("\n");
        assertThat(out.toString()).contains("3 added");
    }
}
