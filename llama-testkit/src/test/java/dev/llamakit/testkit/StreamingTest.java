package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Server-sent-event streams in both dialects (§5 and OpenAI chunks). */
class StreamingTest {

    private LlamaTestServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = LlamaTestServer.builder().apiKey(Http.KEY).start();
        http = new Http(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void nativeTextStreamHasStartProgressCompleteMetricsAndNoDone() {
        HttpResponse<String> response = http.postStream("/v1/chat/completions",
                Http.chat("Name one moon", ",\"stream\":true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("x-ratelimit-limit-tokens")).isPresent();
        assertThat(response.headers().firstValue("x-request-id")).hasValue("req_1");
        assertThat(response.body()).endsWith("\n\n");
        List<String> data = Http.sseData(response.body());
        assertThat(data).doesNotContain("[DONE]");
        List<JsonNode> chunks = Http.sseJson(data);
        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            assertThat(chunk.path("id").asText()).isEqualTo("chatcmpl-1");
            JsonNode event = chunk.path("event");
            types.add(event.path("event_type").asText());
            assertThat(event.path("delta").path("type").asText()).isEqualTo("text");
            text.append(event.path("delta").path("text").asText());
        }
        assertThat(types).containsExactly("start", "progress", "progress", "progress", "progress", "complete", "metrics");
        assertThat(chunks.get(1).path("event").path("delta").path("text").asText()).isEqualTo("Echo: ");
        assertThat(text.toString()).isEqualTo("Echo: Name one moon");
        JsonNode complete = chunks.get(5).path("event");
        assertThat(complete.path("stop_reason").asText()).isEqualTo("stop");
        assertThat(complete.has("metrics")).isFalse();
        NativeChatTest.assertMetrics(chunks.get(6).path("event").path("metrics"), 4, 7);
        assertThat(chunks.get(6).path("event").has("stop_reason")).isFalse();
    }

    @Test
    void nativeStreamHonoursMaxTokens() {
        List<JsonNode> chunks = Http.sseJson(Http.sseData(http.postStream("/v1/chat/completions",
                Http.chat("a b c d", ",\"stream\":true,\"max_completion_tokens\":2")).body()));

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.path("event").path("delta").path("text").asText("")));
        assertThat(text.toString()).isEqualTo("Echo: a");
        assertThat(chunks.get(chunks.size() - 2).path("event").path("stop_reason").asText()).isEqualTo("length");
    }

    @Test
    void nativeToolCallStreamCarriesIdAndNameOnlyOnTheFirstFragment() {
        String arguments = "{\"location\":\"Oslo, Norway\"}";
        server.enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("tc-1", "get_weather", arguments)));

        List<JsonNode> chunks = Http.sseJson(Http.sseData(http.postStream("/v1/chat/completions",
                Http.chat("weather?", ",\"stream\":true")).body()));

        assertThat(chunks.get(0).path("event").path("event_type").asText()).isEqualTo("start");
        JsonNode first = chunks.get(1).path("event").path("delta");
        assertThat(first.path("type").asText()).isEqualTo("tool_call");
        assertThat(first.path("id").asText()).isEqualTo("tc-1");
        assertThat(first.path("function").path("name").asText()).isEqualTo("get_weather");
        StringBuilder joined = new StringBuilder(first.path("function").path("arguments").asText());
        int fragments = 0;
        for (JsonNode chunk : chunks.subList(2, chunks.size() - 2)) {
            JsonNode delta = chunk.path("event").path("delta");
            assertThat(chunk.path("event").path("event_type").asText()).isEqualTo("progress");
            assertThat(delta.path("type").asText()).isEqualTo("tool_call");
            assertThat(delta.has("id")).isFalse();
            assertThat(delta.path("function").has("name")).isFalse();
            joined.append(delta.path("function").path("arguments").asText());
            fragments++;
        }
        assertThat(fragments).isGreaterThan(1);
        assertThat(joined.toString()).isEqualTo(arguments);
        JsonNode complete = chunks.get(chunks.size() - 2).path("event");
        assertThat(complete.path("event_type").asText()).isEqualTo("complete");
        assertThat(complete.path("stop_reason").asText()).isEqualTo("tool_calls");
        assertThat(chunks.get(chunks.size() - 1).path("event").path("event_type").asText()).isEqualTo("metrics");
    }

    @Test
    void openAiTextStreamHasRoleFirstFinishReasonUsageAndDone() {
        HttpResponse<String> response = http.postStream("/compat/v1/chat/completions",
                Http.chat("Name one moon", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> data = Http.sseData(response.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(data.subList(0, data.size() - 1)).doesNotContain("[DONE]");
        List<JsonNode> chunks = Http.sseJson(data.subList(0, data.size() - 1));
        for (JsonNode chunk : chunks) {
            assertThat(chunk.path("id").asText()).isEqualTo("chatcmpl-1");
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo(Http.MODEL);
            assertThat(chunk.path("created").isIntegralNumber()).isTrue();
        }
        JsonNode first = chunks.get(0).path("choices").get(0);
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(first.path("finish_reason").isNull()).isTrue();
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks.subList(1, chunks.size() - 2)) {
            JsonNode choice = chunk.path("choices").get(0);
            assertThat(choice.path("delta").has("role")).isFalse();
            assertThat(choice.path("finish_reason").isNull()).isTrue();
            assertThat(chunk.path("usage").isNull()).isTrue();
            text.append(choice.path("delta").path("content").asText());
        }
        assertThat(text.toString()).isEqualTo("Echo: Name one moon");
        JsonNode last = chunks.get(chunks.size() - 2).path("choices").get(0);
        assertThat(last.path("delta").isEmpty()).isTrue();
        assertThat(last.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("prompt_tokens").asLong()).isEqualTo(7);
        assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isEqualTo(4);
        assertThat(usageChunk.path("usage").path("total_tokens").asLong()).isEqualTo(11);
    }

    @Test
    void openAiStreamWithoutIncludeUsageHasNoUsageChunk() {
        List<String> data = Http.sseData(http.postStream("/compat/v1/chat/completions",
                Http.chat("hi", ",\"stream\":true")).body());

        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = Http.sseJson(data.subList(0, data.size() - 1));
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.has("usage")).isFalse();
            assertThat(chunk.path("choices")).hasSize(1);
        });
        assertThat(chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void openAiToolCallStreamUsesIndexedDeltas() {
        server.enqueue(ScriptedReply.toolCalls(
                ToolCallSpec.of("call_a", "get_weather", "{\"location\":\"Oslo\"}"),
                ToolCallSpec.of("call_b", "get_time", "{\"tz\":\"CET\"}")));

        List<String> data = Http.sseData(http.postStream("/compat/v1/chat/completions",
                Http.chat("weather and time?", ",\"stream\":true")).body());

        List<JsonNode> chunks = Http.sseJson(data.subList(0, data.size() - 1));
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("content").isNull()).isTrue();
        StringBuilder[] arguments = {new StringBuilder(), new StringBuilder()};
        List<String> ids = new ArrayList<>();
        for (JsonNode chunk : chunks.subList(1, chunks.size() - 1)) {
            JsonNode call = chunk.path("choices").get(0).path("delta").path("tool_calls").get(0);
            int index = call.path("index").asInt();
            if (call.has("id")) {
                ids.add(call.path("id").asText());
                assertThat(call.path("type").asText()).isEqualTo("function");
                assertThat(call.path("function").has("name")).isTrue();
            } else {
                assertThat(call.has("type")).isFalse();
                assertThat(call.path("function").has("name")).isFalse();
            }
            arguments[index].append(call.path("function").path("arguments").asText());
        }
        assertThat(ids).containsExactly("call_a", "call_b");
        assertThat(arguments[0].toString()).isEqualTo("{\"location\":\"Oslo\"}");
        assertThat(arguments[1].toString()).isEqualTo("{\"tz\":\"CET\"}");
        assertThat(chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("tool_calls");
    }

    @Test
    void streamCanBeReadIncrementallyLineByLine() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = http.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("one two three", ",\"stream\":true"))).build();

        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.headers().firstValue("content-length")).isEmpty();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("data: {").contains("\"event_type\":\"start\"");
            assertThat(reader.readLine()).isEmpty();
            assertThat(reader.readLine()).contains("\"event_type\":\"progress\"");
        }
    }

    @Test
    void scriptedRawSseIsWrittenVerbatim() {
        List<String> events = List.of(
                "data: {\"event\":{\"event_type\":\"start\",\"delta\":{\"type\":\"text\",\"text\":\"\"}}}\n\n",
                ": a comment line\n\n",
                "{\"error\":{\"message\":\"mid-stream failure\"}}\n\n",
                "data: [DONE]\n\n");
        server.enqueue(ScriptedReply.sse(events));

        HttpResponse<String> response = http.postStream("/v1/chat/completions", Http.chat("x", ",\"stream\":true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.body()).isEqualTo(String.join("", events));
    }
}
