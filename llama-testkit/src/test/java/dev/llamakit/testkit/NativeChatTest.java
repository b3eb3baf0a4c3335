package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Non-streaming chat completions in the native Llama format (§4). */
class NativeChatTest {

    private static final String PATH = "/v1/chat/completions";

    private LlamaTestServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = LlamaTestServer.builder().apiKey(Http.KEY).rateLimits(1_000, 10).start();
        http = new Http(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void defaultReplyHasTheExactNativeShape() {
        String body = "{\"model\":\"Llama-3.3-70B-Instruct\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Answer briefly.\"},"
                + "{\"role\":\"user\",\"content\":\"Name one moon of Mars.\"}]}";

        HttpResponse<String> response = http.postJson(PATH, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode root = Http.json(response);
        assertThat(fieldNames(root)).containsExactly("id", "completion_message", "metrics");
        assertThat(root.path("id").asText()).isEqualTo("chatcmpl-1");
        JsonNode message = root.path("completion_message");
        assertThat(fieldNames(message)).containsExactly("role", "content", "stop_reason", "tool_calls");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(fieldNames(message.path("content"))).containsExactly("type", "text");
        assertThat(message.path("content").path("type").asText()).isEqualTo("text");
        assertThat(message.path("content").path("text").asText()).isEqualTo("Echo: Name one moon of Mars.");
        assertThat(message.path("stop_reason").asText()).isEqualTo("stop");
        assertThat(message.path("tool_calls").isArray()).isTrue();
        assertThat(message.path("tool_calls")).isEmpty();
        // prompt: 2 + 5 words + 4 per message (2) = 15; completion: "Echo: Name one moon of Mars." = 6 words
        assertMetrics(root.path("metrics"), 6, 15);
    }

    static void assertMetrics(JsonNode metrics, long completion, long prompt) {
        assertThat(metrics).hasSize(3);
        assertThat(metrics.get(0).path("metric").asText()).isEqualTo("num_completion_tokens");
        assertThat(metrics.get(1).path("metric").asText()).isEqualTo("num_prompt_tokens");
        assertThat(metrics.get(2).path("metric").asText()).isEqualTo("num_total_tokens");
        assertThat(metrics.get(0).path("value").asLong()).isEqualTo(completion);
        assertThat(metrics.get(1).path("value").asLong()).isEqualTo(prompt);
        assertThat(metrics.get(2).path("value").asLong()).isEqualTo(completion + prompt);
        for (JsonNode metric : metrics) {
            assertThat(fieldNames(metric)).containsExactly("metric", "value", "unit");
            assertThat(metric.path("unit").asText()).isEqualTo("tokens");
            assertThat(metric.path("value").isIntegralNumber()).isTrue();
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void defaultReplyIsDeterministicAndEchoesTheLastUserMessage() {
        String body = "{\"model\":\"" + Http.MODEL + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"first question\"},"
                + "{\"role\":\"assistant\",\"content\":\"an answer\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"second\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.org/a.png\"}},"
                + "{\"type\":\"text\",\"text\":\"question\"}]}]}";

        JsonNode first = Http.json(http.postJson(PATH, body));
        JsonNode second = Http.json(http.postJson(PATH, body));

        assertThat(first.path("completion_message").path("content").path("text").asText())
                .isEqualTo("Echo: second question");
        assertThat(second.path("completion_message")).isEqualTo(first.path("completion_message"));
        assertThat(second.path("metrics")).isEqualTo(first.path("metrics"));
        assertThat(second.path("id").asText()).isEqualTo("chatcmpl-2");
    }

    @Test
    void maxCompletionTokensTruncatesWithStopReasonLength() {
        JsonNode root = Http.json(http.postJson(PATH,
                Http.chat("one two three four five", ",\"max_completion_tokens\":3")));

        JsonNode message = root.path("completion_message");
        assertThat(message.path("content").path("text").asText()).isEqualTo("Echo: one two");
        assertThat(message.path("stop_reason").asText()).isEqualTo("length");
        assertMetrics(root.path("metrics"), 3, 9);
    }

    @Test
    void maxTokensAliasIsHonouredAndMaxCompletionTokensWins() {
        JsonNode alias = Http.json(http.postJson(PATH, Http.chat("a b c d", ",\"max_tokens\":2")));
        JsonNode both = Http.json(http.postJson(PATH,
                Http.chat("a b c d", ",\"max_tokens\":2,\"max_completion_tokens\":4")));
        JsonNode enough = Http.json(http.postJson(PATH, Http.chat("a b c d", ",\"max_completion_tokens\":5")));

        assertThat(alias.path("completion_message").path("content").path("text").asText()).isEqualTo("Echo: a");
        assertThat(both.path("completion_message").path("content").path("text").asText()).isEqualTo("Echo: a b c");
        assertThat(enough.path("completion_message").path("stop_reason").asText()).isEqualTo("stop");
    }

    @Test
    void everyResponseHasRequestIdAndChatResponsesHaveRateLimitHeaders() {
        HttpResponse<String> first = http.postJson(PATH, Http.chat("hello there"));
        HttpResponse<String> models = http.get("/v1/models");
        HttpResponse<String> second = http.postJson(PATH, Http.chat("again"));

        assertThat(first.headers().firstValue("x-request-id")).hasValue("req_1");
        assertThat(models.headers().firstValue("x-request-id")).hasValue("req_2");
        assertThat(second.headers().firstValue("x-request-id")).hasValue("req_3");
        assertThat(models.headers().firstValue("x-ratelimit-limit-tokens")).isEmpty();
        // first reply: prompt 2 + 4 = 6, completion "Echo: hello there" = 3 → 9 tokens
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("991");
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("10");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("9");
        // second reply: prompt 1 + 4 = 5, completion 2 → 7 more
        assertThat(second.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("984");
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("8");
    }

    @Test
    void scriptedTextIsRenderedNatively() {
        server.enqueue(ScriptedReply.text("Phobos.").withUsage(21, 4).withHeader("x-custom", "yes"));

        HttpResponse<String> response = http.postJson(PATH, Http.chat("Name one moon of Mars.", ",\"max_completion_tokens\":1"));

        JsonNode root = Http.json(response);
        assertThat(root.path("completion_message").path("content").path("text").asText()).isEqualTo("Phobos.");
        assertThat(root.path("completion_message").path("stop_reason").asText()).isEqualTo("stop");
        assertMetrics(root.path("metrics"), 4, 21);
        assertThat(response.headers().firstValue("x-custom")).hasValue("yes");
        assertThat(server.queuedReplyCount()).isZero();
    }

    @Test
    void scriptedStopReasonIsSentAsGiven() {
        server.enqueue(ScriptedReply.text("cut").withStopReason("length"));

        JsonNode root = Http.json(http.postJson(PATH, Http.chat("x")));

        assertThat(root.path("completion_message").path("stop_reason").asText()).isEqualTo("length");
    }

    @Test
    void scriptedToolCallsAreRenderedNativelyWithoutType() {
        server.enqueue(ScriptedReply.toolCalls(
                ToolCallSpec.of("0b6c1e2a", "get_weather", "{\"location\":\"Oslo\"}"),
                ToolCallSpec.of("c2", "get_time", "{}")));

        JsonNode root = Http.json(http.postJson(PATH, Http.chat("Is it raining in Oslo?")));

        JsonNode message = root.path("completion_message");
        assertThat(message.path("content").path("type").asText()).isEqualTo("text");
        assertThat(message.path("content").path("text").asText()).isEmpty();
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_calls");
        JsonNode calls = message.path("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(fieldNames(calls.get(0))).containsExactly("id", "function");
        assertThat(calls.get(0).path("id").asText()).isEqualTo("0b6c1e2a");
        assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(0).path("function").path("arguments").asText()).isEqualTo("{\"location\":\"Oslo\"}");
        assertThat(calls.get(1).path("id").asText()).isEqualTo("c2");
        // completion: (1 + 1 word) + (1 + 1 word) = 4; prompt: 5 words + 4 = 9
        assertMetrics(root.path("metrics"), 4, 9);
    }

    @Test
    void scriptedRepliesAreTakenInOrderThenTheDefaultResumes() {
        server.enqueue(ScriptedReply.text("one")).enqueue(ScriptedReply.text("two"));

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            texts.add(Http.json(http.postJson(PATH, Http.chat("ping")))
                    .path("completion_message").path("content").path("text").asText());
        }

        assertThat(texts).containsExactly("one", "two", "Echo: ping");
    }

    @Test
    void assistantMessagesEchoedBackWithStopReasonAreAccepted() {
        String body = "{\"model\":\"" + Http.MODEL + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"Echo: hi\"},\"stop_reason\":\"stop\",\"tool_calls\":[]},"
                + "{\"role\":\"user\",\"content\":\"more\"}],"
                + "\"temperature\":0.2,\"top_p\":0.9,\"user\":\"u-1\",\"unknown_extra\":{\"a\":1}}";

        HttpResponse<String> response = http.postJson(PATH, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).path("completion_message").path("content").path("text").asText())
                .isEqualTo("Echo: more");
    }
}
