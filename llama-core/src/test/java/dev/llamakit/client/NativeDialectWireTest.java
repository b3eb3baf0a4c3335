package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ContentPart;
import dev.llamakit.chat.ImagePart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.error.MalformedResponseException;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.moderation.ModerationRequest;
import dev.llamakit.moderation.ModerationResponse;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.ToolCallSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every field the client sends and reads in the native Llama dialect, checked on the wire. */
class NativeDialectWireTest {
    static final String KEY = "llama-test-key-0123456789";
    static final String MODEL = "Llama-4-Maverick-17B-128E-Instruct-FP8";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private LlamaClient client() {
        return LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build();
    }

    static final ToolDefinition WEATHER = ToolDefinition.builder("get_weather")
            .description("Current weather for a city")
            .parametersSchema("{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}")
            .strict(true)
            .build();

    static ChatRequest everyField() {
        return ChatRequest.builder()
                .model(MODEL)
                .addMessage(Message.system("Answer briefly."))
                .addMessage(Message.user(List.of(ContentPart.text("What is in this picture?"),
                        ImagePart.ofBytes(new byte[] {1, 2, 3}, "image/png"),
                        ContentPart.imageUrl("https://example.org/cat.jpg"))))
                .addMessage(AssistantMessage.ofToolCalls(List.of(new ToolCall("tc-1", "get_weather", "{\"location\":\"Oslo\"}"))))
                .addMessage(Message.tool("tc-1", "Light rain, 9°C"))
                .maxCompletionTokens(256)
                .temperature(0.2)
                .topP(0.9)
                .topK(40)
                .repetitionPenalty(1.1)
                .addTool(WEATHER)
                .toolChoice(ToolChoice.function("get_weather"))
                .responseFormat(ResponseFormat.jsonSchema("Answer", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}", true))
                .user("user-7f3a")
                .extraBody("min_p", 0.05)
                .build();
    }

    @Test
    void sendsEveryRequestFieldInTheNativeShape() {
        client().chat(everyField());
        RecordedRequest recorded = extension.server().takeRequest();
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(recorded.header("Content-Type")).startsWith("application/json");
        assertThat(recorded.header("Accept")).isEqualTo("application/json");
        assertThat(recorded.header("User-Agent")).startsWith("llamakit-java/");

        JsonNode body = recorded.json();
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(256);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.1);
        assertThat(body.get("user").asText()).isEqualTo("user-7f3a");
        assertThat(body.get("min_p").asDouble()).isEqualTo(0.05);
        assertThat(body.has("stream")).isFalse();

        JsonNode messages = body.get("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Answer briefly.\"}");
        JsonNode userParts = messages.get(1).get("content");
        assertThat(userParts.get(0).toString()).isEqualTo("{\"type\":\"text\",\"text\":\"What is in this picture?\"}");
        assertThat(userParts.get(1).get("type").asText()).isEqualTo("image_url");
        assertThat(userParts.get(1).get("image_url").get("url").asText()).isEqualTo("data:image/png;base64,AQID");
        assertThat(userParts.get(2).get("image_url").get("url").asText()).isEqualTo("https://example.org/cat.jpg");
        JsonNode assistant = messages.get(2);
        assertThat(assistant.get("role").asText()).isEqualTo("assistant");
        assertThat(assistant.get("content").asText()).isEmpty();
        assertThat(assistant.get("stop_reason").asText()).isEqualTo("tool_calls");
        assertThat(assistant.get("tool_calls").get(0).toString())
                .isEqualTo("{\"id\":\"tc-1\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Oslo\\\"}\"}}");
        assertThat(messages.get(3).toString()).isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"tc-1\",\"content\":\"Light rain, 9°C\"}");

        JsonNode tool = body.get("tools").get(0);
        assertThat(tool.get("type").asText()).isEqualTo("function");
        assertThat(tool.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(tool.get("function").get("description").asText()).isEqualTo("Current weather for a city");
        assertThat(tool.get("function").get("parameters").get("required").get(0).asText()).isEqualTo("location");
        assertThat(tool.get("function").get("strict").asBoolean()).isTrue();
        assertThat(body.get("tool_choice").toString()).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}");
        JsonNode format = body.get("response_format");
        assertThat(format.get("type").asText()).isEqualTo("json_schema");
        assertThat(format.get("json_schema").get("name").asText()).isEqualTo("Answer");
        assertThat(format.get("json_schema").get("schema").get("type").asText()).isEqualTo("object");
        assertThat(format.get("json_schema").get("strict").asBoolean()).isTrue();
    }

    @Test
    void omitsUnsetOptionalFields() {
        client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Hi")).build());
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("model", "messages");
        assertThat(body.get("messages").get(0).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"Hi\"}");
    }

    @Test
    void sendsSimpleToolChoices() {
        for (ToolChoice choice : List.of(ToolChoice.NONE, ToolChoice.AUTO, ToolChoice.REQUIRED)) {
            client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Hi")).addTool(WEATHER).toolChoice(choice).build());
            assertThat(extension.server().takeRequest().json().get("tool_choice").asText()).isEqualTo(choice.mode());
        }
    }

    @Test
    void readsTextStopReasonUsageIdRateLimitsAndRequestId() {
        extension.server().enqueue(ScriptedReply.text("Phobos.").withUsage(21, 4));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Name one moon of Mars.")).build());

        assertThat(response.text()).isEqualTo("Phobos.");
        assertThat(response.stopReason()).isEqualTo(StopReason.STOP);
        assertThat(response.message().stopReason()).isEqualTo(StopReason.STOP);
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.usage()).contains(new Usage(21, 4, 25));
        assertThat(response.metrics()).containsEntry("num_prompt_tokens", 21.0).containsEntry("num_total_tokens", 25.0);
        assertThat(response.id()).hasValueSatisfying(id -> assertThat(id).startsWith("chatcmpl-"));
        assertThat(response.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        assertThat(response.rateLimits().isPresent()).isTrue();
        assertThat(response.rateLimits().limitTokens()).isPresent();
        assertThat(response.rateLimits().remainingRequests()).isPresent();
        assertThat(response.rawJson()).contains("\"completion_message\"");
        assertThat(response.model()).isEmpty();
    }

    @Test
    void readsToolCalls() {
        extension.server().enqueue(ScriptedReply.toolCalls(
                ToolCallSpec.of("0b6c1e2a", "get_weather", "{\"location\":\"Oslo\"}"),
                ToolCallSpec.of("0b6c1e2b", "get_weather", "{\"location\":\"Bergen\"}")));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Rain?")).addTool(WEATHER).build());

        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
        assertThat(response.text()).isEmpty();
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("0b6c1e2a", "get_weather", "{\"location\":\"Oslo\"}"),
                new ToolCall("0b6c1e2b", "get_weather", "{\"location\":\"Bergen\"}"));
    }

    @Test
    void readsStringContentUnknownFieldsAndUnknownMetrics() {
        extension.server().enqueue(ScriptedReply.rawJson("{\"completion_message\":{\"role\":\"assistant\",\"content\":\"plain string\","
                + "\"stop_reason\":\"length\",\"future_field\":{\"x\":1}},\"metrics\":[{\"metric\":\"num_prompt_tokens\",\"value\":7.0},"
                + "{\"metric\":\"time_to_first_token_ms\",\"value\":12.5,\"unit\":\"ms\"}],\"brand_new\":[1,2]}"));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Hi")).build());

        assertThat(response.text()).isEqualTo("plain string");
        assertThat(response.stopReason()).isEqualTo(StopReason.LENGTH);
        assertThat(response.id()).isEmpty();
        assertThat(response.usage()).contains(new Usage(7, 0, 7));
        assertThat(response.metrics()).containsEntry("time_to_first_token_ms", 12.5);
    }

    @Test
    void toleratesMissingStopReasonAndNullToolCalls() {
        extension.server().enqueue(ScriptedReply.rawJson(
                "{\"completion_message\":{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"ok\"},\"tool_calls\":null}}"));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Hi")).build());
        assertThat(response.text()).isEqualTo("ok");
        assertThat(response.stopReason()).isEqualTo(StopReason.STOP);
        assertThat(response.usage()).isEmpty();
    }

    @Test
    void malformedJsonIsATypedErrorWithTheRequestId() {
        extension.server().enqueue(ScriptedReply.malformedJson());
        assertThatThrownBy(() -> client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Hi")).build()))
                .isInstanceOfSatisfying(MalformedResponseException.class, e -> {
                    assertThat(e.getMessage()).contains("not valid JSON");
                    assertThat(e.status()).isEqualTo(200);
                    assertThat(e.requestId()).isPresent();
                });
        assertThat(extension.server().requestCount()).isEqualTo(1);
    }

    @Test
    void anOpenAiShapedReplyPointsAtTheOtherDialect() {
        extension.server().enqueue(ScriptedReply.rawJson("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"x\"}}]}"));
        assertThatThrownBy(() -> client().chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("Hi")).build()))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("completion_message")
                .hasMessageContaining("Dialect.OPENAI");
    }

    @Test
    void listsAndRetrievesModels() {
        LlamaClient client = client();
        List<Model> models = client.models();
        assertThat(models).extracting(Model::id).contains(MODEL, "Llama-3.3-8B-Instruct");
        assertThat(models.get(0).ownedBy()).isEqualTo("Meta");
        assertThat(models.get(0).created()).isPositive();
        assertThat(extension.server().takeRequest().path()).isEqualTo("/v1/models");

        Model one = client.model("Llama-3.3-70B-Instruct");
        assertThat(one.id()).isEqualTo("Llama-3.3-70B-Instruct");
        RecordedRequest get = extension.server().takeRequest();
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.path()).isEqualTo("/v1/models/Llama-3.3-70B-Instruct");
        assertThat(get.header("Content-Type")).isNull();

        assertThatThrownBy(() -> client.model("No Such Model"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void moderatesInTheNativeShape() {
        ModerationResponse verdict = client().moderate(
                ModerationRequest.of(Message.user("How do I kill a process?"), Message.assistant("Use kill -9.")).withModel("Llama-Guard"));
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("model").asText()).isEqualTo("Llama-Guard");
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(verdict.model()).isEqualTo("Llama-Guard");
        assertThat(verdict.results()).hasSize(1);
        assertThat(verdict.flagged()).isTrue();
        assertThat(verdict.results().get(0).categories()).isNotEmpty();

        ModerationResponse clean = client().moderate(ModerationRequest.ofText("What a lovely day."));
        assertThat(clean.flagged()).isFalse();
        assertThat(clean.results().get(0).categories()).isEmpty();
    }

    @Test
    void nullFlaggedCategoriesMeanNone() {
        extension.server().enqueue(ScriptedReply.rawJson(
                "{\"model\":\"Llama-Guard\",\"results\":[{\"flagged\":false,\"flagged_categories\":null}]}"));
        ModerationResponse verdict = client().moderate(ModerationRequest.ofText("hello"));
        assertThat(verdict.results().get(0).categories()).isEmpty();
    }
}
