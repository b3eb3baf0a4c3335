package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.error.MalformedResponseException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.ToolCallSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every field the client sends and reads in the OpenAI dialect ({@code /compat/v1}), checked on the wire. */
class OpenAiDialectWireTest {
    static final String KEY = NativeDialectWireTest.KEY;
    static final String MODEL = NativeDialectWireTest.MODEL;

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private LlamaClient client() {
        return LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(extension.server().compatBaseUrl()).apiKey(KEY).build();
    }

    @Test
    void sendsEveryRequestFieldInTheOpenAiShape() {
        client().chat(NativeDialectWireTest.everyField());
        RecordedRequest recorded = extension.server().takeRequest();
        assertThat(recorded.path()).isEqualTo("/compat/v1/chat/completions");
        assertThat(recorded.header("Authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = recorded.json();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(256);
        assertThat(body.has("max_completion_tokens")).isFalse();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.1);
        assertThat(body.get("user").asText()).isEqualTo("user-7f3a");

        JsonNode messages = body.get("messages");
        assertThat(messages.get(1).get("content").get(1).get("image_url").get("url").asText()).startsWith("data:image/png;base64,");
        JsonNode assistant = messages.get(2);
        assertThat(assistant.get("content").isNull()).isTrue();
        assertThat(assistant.has("stop_reason")).isFalse();
        assertThat(assistant.get("tool_calls").get(0).toString())
                .isEqualTo("{\"id\":\"tc-1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Oslo\\\"}\"}}");
        assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo("tc-1");
        assertThat(body.get("tools").get(0).get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(body.get("tool_choice").get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(body.get("response_format").get("json_schema").get("name").asText()).isEqualTo("Answer");
    }

    @Test
    void assistantTextIsAStringEvenWithToolCalls() {
        client().chat(ChatRequest.builder().model(MODEL)
                .addMessage(Message.user("Rain?"))
                .addMessage(new AssistantMessage("Let me check.", List.of(new ToolCall("c1", "get_weather", "{}")), StopReason.TOOL_CALLS))
                .addMessage(Message.tool("c1", "dry"))
                .build());
        JsonNode assistant = extension.server().takeRequest().json().get("messages").get(1);
        assertThat(assistant.get("content").asText()).isEqualTo("Let me check.");
    }

    @Test
    void readsTextUsageModelAndId() {
        extension.server().enqueue(ScriptedReply.text("Phobos.").withUsage(21, 4));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Moon?")).build());
        assertThat(response.text()).isEqualTo("Phobos.");
        assertThat(response.stopReason()).isEqualTo(StopReason.STOP);
        assertThat(response.usage()).contains(new Usage(21, 4, 25));
        assertThat(response.metrics()).containsEntry("prompt_tokens", 21.0);
        assertThat(response.model()).contains(MODEL);
        assertThat(response.id()).isPresent();
        assertThat(response.rawJson()).contains("\"choices\"");
        assertThat(response.rateLimits().isPresent()).isTrue();
    }

    @Test
    void readsToolCallsWithNullContent() {
        extension.server().enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("call_1", "get_weather", "{\"location\":\"Oslo\"}")));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Rain?")).build());
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
        assertThat(response.text()).isEmpty();
        assertThat(response.toolCalls()).containsExactly(new ToolCall("call_1", "get_weather", "{\"location\":\"Oslo\"}"));
    }

    @Test
    void readsLengthAndContentFilterAndUnknownFinishReasons() {
        extension.server().enqueue(ScriptedReply.text("cut").withStopReason("length"));
        assertThat(client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("x")).build()).stopReason())
                .isEqualTo(StopReason.LENGTH);
        extension.server().enqueue(ScriptedReply.rawJson("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]},\"finish_reason\":\"content_filter\"}]}"));
        ChatResponse filtered = client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("x")).build());
        assertThat(filtered.stopReason()).isEqualTo(StopReason.CONTENT_FILTER);
        assertThat(filtered.text()).isEqualTo("ab");
        assertThat(filtered.usage()).isEmpty();
        extension.server().enqueue(ScriptedReply.rawJson(
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"x\"},\"finish_reason\":\"eos_token\"}]}"));
        assertThat(client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("x")).build()).stopReason())
                .isEqualTo(StopReason.OTHER);
    }

    @Test
    void aNativeReplyPointsAtTheOtherDialect() {
        extension.server().enqueue(ScriptedReply.rawJson("{\"completion_message\":{\"content\":\"x\"}}"));
        assertThatThrownBy(() -> client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("x")).build()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("Dialect.LLAMA");
        extension.server().enqueue(ScriptedReply.rawJson("{\"choices\":[]}"));
        assertThatThrownBy(() -> client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("x")).build()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("no choices");
    }

    @Test
    void listsModels() {
        assertThat(client().models()).extracting(Model::id).contains(MODEL);
        assertThat(extension.server().takeRequest().path()).isEqualTo("/compat/v1/models");
        assertThat(client().model(MODEL).ownedBy()).isEqualTo("Meta");
    }

    @Test
    void worksWithoutAnApiKeyAgainstALocalServer() {
        try (LlamaTestServer local = LlamaTestServer.builder().requireApiKey(false).start()) {
            LlamaClient client = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(local.compatBaseUrl())
                    .environment(name -> null).build();
            assertThat(client.hasApiKey()).isFalse();
            ChatResponse response = client.chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("hello there")).build());
            assertThat(response.text()).contains("hello there");
            assertThat(local.takeRequest().header("Authorization")).isNull();
        }
    }
}
