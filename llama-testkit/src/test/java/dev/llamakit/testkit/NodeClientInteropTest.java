package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the official Node clients, {@code llama-api-client} 0.3.0 (native {@code /v1}) and
 * {@code openai} (compat {@code /compat/v1}), against a real {@link LlamaTestServer}, through
 * {@code src/test/node/interop.mjs}. Skipped only when {@code node} or {@code npm} is not on PATH;
 * any other failure (npm ci, the script, an assertion) fails the test with the process output.
 */
class NodeClientInteropTest {

    private static final System.Logger LOG = System.getLogger(NodeClientInteropTest.class.getName());
    private static final String KEY = Http.KEY;
    private static final String MODEL = "Llama-3.3-70B-Instruct";
    private static final String ENCODED_MODEL = "meta-llama/Llama 3.3 (test)";
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
    private static final String NODE = "node";
    private static final String NPM = WINDOWS ? "npm.cmd" : "npm";

    private static Path work;
    private static String missingTool;

    @BeforeAll
    static void installClients() throws Exception {
        missingTool = firstMissing(NODE, NPM);
        if (missingTool != null) {
            LOG.log(System.Logger.Level.WARNING, missingTool);
            return;
        }
        Path source = Path.of(System.getProperty("basedir", ".")).resolve("src/test/node");
        work = Path.of(System.getProperty("basedir", ".")).resolve("target/node-interop");
        Files.createDirectories(work);
        for (String file : List.of("package.json", "package-lock.json", "interop.mjs")) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        run("npm-ci", List.of(NPM, "ci", "--no-audit", "--no-fund"), Duration.ofMinutes(5));
    }

    @BeforeEach
    void requireNodeAndNpm() {
        assumeTrue(missingTool == null, missingTool);
    }

    /** The skip reason for the first tool not on PATH, or null; a tool that is there but fails is a failure. */
    private static String firstMissing(String... tools) throws InterruptedException {
        for (String tool : tools) {
            Process process;
            try {
                process = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            } catch (IOException e) {
                return "'" + tool + "' is not on PATH (" + e.getMessage() + "): skipping the Node client interop test";
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("'" + tool + " --version' did not finish within 60 s");
            }
            assertThat(process.exitValue()).as("exit code of '%s --version'", tool).isZero();
        }
        return null;
    }

    @Test
    void officialClientsWorkAgainstBothPrefixes() throws Exception {
        List<String> models = new ArrayList<>(ServerSettings.DEFAULT_MODELS);
        models.add(ENCODED_MODEL);
        try (LlamaTestServer server = LlamaTestServer.builder().apiKey(KEY).models(models).start()) {
            JsonNode result = interop(server, "basic");

            JsonNode llama = result.path("llama");
            assertThat(texts(llama.path("modelIds"))).containsExactlyElementsOf(models);
            assertThat(llama.path("retrieved").path("id").asText()).isEqualTo(MODEL);
            assertThat(llama.path("retrieved").path("object").asText()).isEqualTo("model");
            assertThat(llama.path("retrieved").path("owned_by").asText()).isEqualTo("Meta");
            assertThat(llama.path("retrieved").path("created").asLong()).isEqualTo(1743811200L);
            assertThat(llama.path("retrievedEncoded").asText()).isEqualTo(ENCODED_MODEL);

            JsonNode chat = llama.path("chat");
            assertThat(chat.path("text").asText()).isEqualTo("Echo: Hello from the Llama SDK");
            assertThat(chat.path("stopReason").asText()).isEqualTo("stop");
            assertThat(chat.path("toolCalls").isArray()).isTrue();
            assertThat(chat.path("toolCalls")).isEmpty();
            // prompt: "Answer briefly." 2 + "Hello from the Llama SDK" 5 + 2 × 4 = 15; completion 6
            assertThat(chat.path("metrics").toString()).isEqualTo(
                    "[[\"num_completion_tokens\",6,\"tokens\"],[\"num_prompt_tokens\",15,\"tokens\"],"
                            + "[\"num_total_tokens\",21,\"tokens\"]]");

            JsonNode stream = llama.path("stream");
            assertThat(texts(stream.path("events")))
                    .containsExactly("start", "progress", "progress", "progress", "progress", "complete", "metrics");
            assertThat(stream.path("text").asText()).isEqualTo("Echo: Stream this please");
            assertThat(stream.path("stopReason").asText()).isEqualTo("stop");
            assertThat(stream.path("metrics").toString()).isEqualTo(
                    "[[\"num_completion_tokens\",4],[\"num_prompt_tokens\",7],[\"num_total_tokens\",11]]");

            assertThat(llama.path("moderation").path("model").asText()).isEqualTo("Llama-Guard");
            assertThat(llama.path("moderation").path("flagged").asBoolean()).isTrue();
            assertThat(texts(llama.path("moderation").path("categories"))).containsExactly("indiscriminate-weapons");
            assertThat(llama.path("safeModerationFlagged").asBoolean()).isFalse();
            assertThat(llama.path("wrongKey").path("error").asText()).isEqualTo("AuthenticationError");
            assertThat(llama.path("wrongKey").path("status").asInt()).isEqualTo(401);

            JsonNode openai = result.path("openai");
            assertThat(texts(openai.path("modelIds"))).containsExactlyElementsOf(models);
            JsonNode completion = openai.path("chat");
            assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
            assertThat(completion.path("model").asText()).isEqualTo(MODEL);
            assertThat(completion.path("text").asText()).isEqualTo("Echo: Hello from");
            assertThat(completion.path("finishReason").asText()).isEqualTo("length");
            assertThat(completion.path("usage").toString())
                    .isEqualTo("{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}");
            JsonNode openaiStream = openai.path("stream");
            assertThat(openaiStream.path("text").asText()).isEqualTo("Echo: Stream via OpenAI");
            assertThat(openaiStream.path("finishReason").asText()).isEqualTo("stop");
            assertThat(openaiStream.path("usage").toString())
                    .isEqualTo("{\"prompt_tokens\":7,\"completion_tokens\":4,\"total_tokens\":11}");
            assertThat(openai.path("moderation").toString()).isEqualTo("[true,false]");

            List<RecordedRequest> requests = server.requests();
            assertThat(requests).extracting(r -> r.method() + " " + r.path()).containsExactly(
                    "GET /v1/models",
                    "GET /v1/models/Llama-3.3-70B-Instruct",
                    "GET /v1/models/meta-llama%2FLlama%203.3%20(test)",
                    "POST /v1/chat/completions",
                    "POST /v1/chat/completions",
                    "POST /v1/moderations",
                    "POST /v1/moderations",
                    "GET /v1/models",
                    "GET /compat/v1/models",
                    "POST /compat/v1/chat/completions",
                    "POST /compat/v1/chat/completions",
                    "POST /compat/v1/moderations");
            RecordedRequest wrongKey = requests.get(7);
            for (RecordedRequest request : requests) {
                boolean expectedKey = ("Bearer " + KEY).equals(request.header("authorization"));
                assertThat(expectedKey).as("the test key arrived in %s", request).isEqualTo(request != wrongKey);
                String agent = request.dialect() == Dialect.LLAMA ? "LlamaAPIClient/JS 0.3.0" : "OpenAI/JS ";
                assertThat(request.header("user-agent")).as("user agent of %s", request).startsWith(agent);
                assertThat(request.header("x-stainless-lang")).isEqualTo("js");
                if (request.method().equals("POST")) {
                    assertThat(request.header("content-type")).isEqualTo("application/json");
                    assertThat(request.json().isObject()).isTrue();
                }
            }
            RecordedRequest nativeStream = requests.get(4);
            assertThat(nativeStream.json().path("stream").asBoolean()).isTrue();
            // the SDK streams with Accept: application/json, which quirk Q1 must allow
            assertThat(nativeStream.header("accept")).isEqualTo("application/json");
            assertThat(requests.get(3).json().path("max_completion_tokens").asInt()).isEqualTo(256);
            assertThat(requests.get(9).json().path("max_tokens").asInt()).isEqualTo(3);
            assertThat(requests.get(10).json().path("stream_options").path("include_usage").asBoolean()).isTrue();
        }
    }

    @Test
    void officialClientsParseScriptedToolCallsPlainAndStreamed() throws Exception {
        try (LlamaTestServer server = LlamaTestServer.builder().apiKey(KEY).start()) {
            for (int i = 0; i < 4; i++) {
                server.enqueue(ScriptedReply.toolCalls(
                        ToolCallSpec.of("call_" + i, "get_weather", "{\"location\":\"Oslo, Norway\",\"unit\":\"celsius\"}")));
            }

            JsonNode result = interop(server, "tools");

            String args = "{\\\"location\\\":\\\"Oslo, Norway\\\",\\\"unit\\\":\\\"celsius\\\"}";
            assertThat(result.path("llama").path("plain").toString())
                    .isEqualTo("{\"stopReason\":\"tool_calls\",\"calls\":[[\"call_0\",\"get_weather\",\"" + args + "\"]]}");
            assertThat(result.path("llama").path("stream").toString())
                    .isEqualTo("{\"stopReason\":\"tool_calls\",\"calls\":[[\"call_1\",\"get_weather\",\"" + args + "\"]]}");
            assertThat(result.path("openai").path("plain").toString()).isEqualTo("{\"finishReason\":\"tool_calls\","
                    + "\"content\":null,\"calls\":[[\"call_2\",\"function\",\"get_weather\",\"" + args + "\"]]}");
            assertThat(result.path("openai").path("stream").toString()).isEqualTo("{\"finishReason\":\"tool_calls\","
                    + "\"calls\":[[\"call_3\",\"function\",\"get_weather\",\"" + args + "\"]]}");
            assertThat(server.queuedReplyCount()).isZero();
            assertThat(server.requests()).hasSize(4).allSatisfy(request -> {
                assertThat(request.path()).endsWith("/chat/completions");
                assertThat(request.json().path("tools").get(0).path("function").path("name").asText())
                        .isEqualTo("get_weather");
            });
        }
    }

    /** Runs {@code interop.mjs} for {@code scenario} and parses the one JSON line it prints. */
    private static JsonNode interop(LlamaTestServer server, String scenario) throws Exception {
        String output = run("interop-" + scenario,
                List.of(NODE, "interop.mjs", server.baseUrl(), server.compatBaseUrl(), scenario), Duration.ofMinutes(2));
        String[] lines = output.strip().split("\n");
        try {
            return Http.MAPPER.readTree(lines[lines.length - 1]);
        } catch (IOException e) {
            throw new AssertionError("interop.mjs did not print JSON:\n" + redact(output), e);
        }
    }

    /** Runs a command in {@link #work}; returns its stdout, fails with all output on a non-zero exit or timeout. */
    private static String run(String name, List<String> command, Duration timeout) throws Exception {
        Path stdout = work.resolve(name + ".out.log");
        Path stderr = work.resolve(name + ".err.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        for (String variable : List.of("LLAMA_API_KEY", "LLAMA_API_CLIENT_BASE_URL", "LLAMA_BASE_URL",
                "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "NODE_OPTIONS")) {
            env.remove(variable);
        }
        env.put("INTEROP_API_KEY", KEY);
        env.put("NO_UPDATE_NOTIFIER", "1");
        Process process = builder.start();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        if (!finished || process.exitValue() != 0) {
            fail(String.join(" ", command) + (finished ? " exited with " + process.exitValue()
                    : " did not finish within " + timeout) + "\n--- stdout ---\n" + redact(out)
                    + "\n--- stderr ---\n" + redact(err));
        }
        return out;
    }

    private static String redact(String text) {
        return text.replace(KEY, "***");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
