package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;

import static dev.llamakit.testkit.NativeChatTest.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

/** Non-streaming chat completions in the OpenAI-compatible format under {@code /compat/v1}. */
class OpenAiChatTest {

    private static final String PATH = "/compat/v1/chat/completions";

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
    void defaultReplyHasTheExactOpenAiShape() {
        long before = Instant.now().getEpochSecond();

        HttpResponse<String> response = http.postJson(PATH, Http.chat("Name one moon of Mars."));

        long after = Instant.now().getEpochSecond();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("2999");
        JsonNode root = Http.json(response);
        assertThat(fieldNames(root)).containsExactly("id", "object", "created", "model", "choices", "usage");
        assertThat(root.path("id").asText()).isEqualTo("chatcmpl-1");
        assertThat(root.path("object").asText()).isEqualTo("chat.completion");
        assertThat(root.path("created").asLong()).isBetween(before, after);
        assertThat(root.path("model").asText()).isEqualTo(Http.MODEL);
        assertThat(root.path("choices")).hasSize(1);
        JsonNode choice = root.path("choices").get(0);
        assertThat(fieldNames(choice)).containsExactly("index", "message", "finish_reason");
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(fieldNames(choice.path("message"))).containsExactly("role", "content");
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").isTextual()).isTrue();
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Echo: Name one moon of Mars.");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = root.path("usage");
        assertThat(fieldNames(usage)).containsExactly("prompt_tokens", "completion_tokens", "total_tokens");
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(9);
        assertThat(usage.path("completion_tokens").asLong()).isEqualTo(6);
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(15);
    }

    @Test
    void maxTokensGivesFinishReasonLength() {
        JsonNode root = Http.json(http.postJson(PATH, Http.chat("a b c d e", ",\"max_tokens\":2")));

        assertThat(root.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Echo: a");
        assertThat(root.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(root.path("usage").path("completion_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void scriptedTextIsRenderedInOpenAiFormat() {
        server.enqueue(ScriptedReply.text("Deimos.").withStopReason("length").withUsage(10, 2));

        JsonNode root = Http.json(http.postJson(PATH, Http.chat("Another moon?")));

        JsonNode choice = root.path("choices").get(0);
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Deimos.");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
        assertThat(root.path("usage").path("prompt_tokens").asLong()).isEqualTo(10);
        assertThat(root.path("usage").path("completion_tokens").asLong()).isEqualTo(2);
        assertThat(root.path("usage").path("total_tokens").asLong()).isEqualTo(12);
    }

    @Test
    void scriptedToolCallsHaveTypeFunctionAndNullContent() {
        server.enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("call_1", "get_weather", "{\"location\":\"Oslo\"}")));

        JsonNode root = Http.json(http.postJson(PATH, Http.chat("Is it raining in Oslo?")));

        JsonNode choice = root.path("choices").get(0);
        JsonNode message = choice.path("message");
        assertThat(fieldNames(message)).containsExactly("role", "content", "tool_calls");
        assertThat(message.path("content").isNull()).isTrue();
        JsonNode call = message.path("tool_calls").get(0);
        assertThat(fieldNames(call)).containsExactly("id", "type", "function");
        assertThat(call.path("id").asText()).isEqualTo("call_1");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"location\":\"Oslo\"}");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void openAiStyleToolRoundTripIsAccepted() {
        String body = "{\"model\":\"" + Http.MODEL + "\",\"messages\":["
                + "{\"role\":\"developer\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":\"auto\"}";

        HttpResponse<String> response = http.postJson(PATH, body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("Echo: weather?");
    }

    @Test
    void recordedRequestKnowsTheDialect() {
        http.postJson(PATH, Http.chat("x"));
        http.postJson("/v1/chat/completions", Http.chat("x"));

        assertThat(server.takeRequest().dialect()).isEqualTo(Dialect.OPENAI);
        assertThat(server.takeRequest().dialect()).isEqualTo(Dialect.LLAMA);
    }
}
