package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.testkit.SyntheticGgufModel;
import dev.llamakit.tools.Tool;
import dev.llamakit.tools.ToolRunResult;
import dev.llamakit.tools.ToolRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tool calls end to end on the native path. Random weights never write a call by themselves: a forced tool choice
 * makes llama.cpp's grammar write one, which must then parse into a call of an offered tool with arguments of its
 * schema, for every seed.
 */
class LocalForcedToolCallTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Bounded by the grammar (enums and integer ranges, no free strings), so no seed runs into the token limit. */
    static final ToolDefinition WEATHER = ToolDefinition.builder("weather").description("the weather in a city")
            .parametersSchema("{\"type\":\"object\",\"properties\":{\"city\":{\"enum\":[\"Paris\",\"Oslo\",\"Rome\"]},"
                    + "\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7}},\"required\":[\"city\",\"days\"],"
                    + "\"additionalProperties\":false}").build();
    static final ToolDefinition CLOCK = ToolDefinition.builder("clock").description("the time in a zone")
            .parametersSchema("{\"type\":\"object\",\"properties\":{\"zone\":{\"enum\":[\"UTC\",\"CET\"]}},"
                    + "\"required\":[\"zone\"],\"additionalProperties\":false}").build();

    static final List<ToolDefinition> TOOLS = List.of(WEATHER, CLOCK);

    @TempDir
    static Path dir;
    static LocalChatModel model;

    @BeforeAll
    static void load() throws Exception {
        // llama.cpp adds its own system turn about the JSON format to this template: the prompt is about 220 tokens
        model = LocalChatModel.builder(SyntheticGgufModel.builder().chatTemplate(LocalToolCallingTest.TOOL_TEMPLATE).build().write(dir.resolve("tools.gguf")))
                .threads(2).contextSize(512).load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static ChatRequest.Builder request(ToolChoice choice, int seed) {
        return ChatRequest.builder().model("local").addMessage(Message.user("Weather in Oslo this week?"))
                .tools(List.of(WEATHER, CLOCK)).toolChoice(choice).temperature(1.0).extraBody("seed", seed);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void aNamedFunctionIsAlwaysCalledWithArgumentsOfItsSchema(int seed) throws Exception {
        ChatResponse reply = model.chat(request(ToolChoice.function("weather"), seed).build());

        assertThat(reply.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
        assertThat(reply.text()).isEmpty();
        assertThat(reply.toolCalls()).hasSize(1);
        ToolCall call = reply.toolCalls().get(0);
        assertThat(call.name()).isEqualTo("weather");
        JsonNode args = JSON.readTree(call.arguments());
        assertThat(args.get("city").asText()).isIn("Paris", "Oslo", "Rome");
        assertThat(args.get("days").asInt()).isBetween(1, 7);
        assertThat(args.size()).isEqualTo(2);
        assertThat(reply.usage().orElseThrow().completionTokens()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void requiredCallsOneOfTheOfferedTools(int seed) throws Exception {
        ToolCall call = model.chat(request(ToolChoice.REQUIRED, seed).build()).toolCalls().get(0);

        JsonNode args = JSON.readTree(call.arguments());
        if (call.name().equals("clock")) {
            assertThat(args.get("zone").asText()).isIn("UTC", "CET");
        } else {
            assertThat(call.name()).isEqualTo("weather");
            assertThat(args.get("days").asInt()).isBetween(1, 7);
        }
    }

    @Test
    void aStreamedForcedCallEndsWithTheCall() {
        List<ChatStreamEvent> events = new ArrayList<>();
        model.stream(request(ToolChoice.function("clock"), 9).build()).forEach(events::add);

        assertThat(events).filteredOn(e -> e instanceof ChatStreamEvent.Complete)
                .extracting(e -> ((ChatStreamEvent.Complete) e).stopReason()).containsExactly(StopReason.TOOL_CALLS);
        assertThat(model.stream(request(ToolChoice.function("clock"), 9).build()).collect().toolCalls())
                .extracting(ToolCall::name).containsExactly("clock");
    }

    @Test
    void theToolRunnerRunsTheForcedCallAndThenGetsAnAnswer() {
        List<JsonNode> received = new ArrayList<>();
        Tool weather = Tool.of(WEATHER, args -> {
            received.add(args);
            return "sunny";
        });
        ToolRunResult result = ToolRunner.builder(model).tool(weather).maxIterations(3).build()
                .run(ChatRequest.builder().model("local").addMessage(Message.user("Weather in Rome?"))
                        .toolChoice(ToolChoice.function("weather")).maxCompletionTokens(120).extraBody("seed", 4).build());

        assertThat(received).hasSize(1);
        assertThat(received.get(0).get("city").asText()).isIn("Paris", "Oslo", "Rome");
        assertThat(result.modelCalls()).isEqualTo(2); // the second round is "auto": random weights answer in text
        assertThat(result.invocations()).extracting(i -> i.result()).containsExactly("sunny");
        assertThat(result.response().toolCalls()).isEmpty();
    }

    @Test
    void noneLeavesTheToolsOutSoAnyTemplateWorks() throws Exception {
        try (LocalChatModel plain = LocalChatModel.builder(SyntheticGgufModel.builder().build().write(dir.resolve("plain.gguf")))
                .contextSize(256).load()) {
            ChatRequest none = ChatRequest.builder().model("local").addMessage(Message.user("hello")).tools(List.of(WEATHER))
                    .toolChoice(ToolChoice.NONE).maxCompletionTokens(4).extraBody("seed", 2).build();
            ChatResponse reply = plain.chat(none);
            assertThat(reply.toolCalls()).isEmpty();
            assertThat(reply.usage().orElseThrow().promptTokens())
                    .isEqualTo(plain.tokenCounter().count(none.messages()));
        }
    }

    @Test
    void aReplyThatFillsTheContextLeavesTheModelUsable() throws Exception {
        // the call does not fit: each reply runs to the end of the context, which llama.cpp must not be left full
        try (LocalChatModel small = LocalChatModel.builder(SyntheticGgufModel.builder().chatTemplate(LocalToolCallingTest.TOOL_TEMPLATE).build().write(dir.resolve("small.gguf")))
                .contextSize(256).load()) {
            for (int seed = 1; seed <= 3; seed++) {
                ChatResponse reply = small.chat(request(ToolChoice.function("weather"), seed).build());
                assertThat(reply.stopReason()).isEqualTo(StopReason.LENGTH);
                assertThat(reply.toolCalls()).isEmpty();
                assertThat(reply.usage().orElseThrow().totalTokens()).isEqualTo(256);
            }
        }
    }

    @Test
    void aGenericFormatAnswerIsText() {
        assertThat(ToolCallParser.genericResponse("{\"response\": \"It is sunny.\"}")).hasValue("It is sunny.");
        assertThat(ToolCallParser.genericResponse("{\"response\": \"a\", \"other\": 1}")).isEmpty();
        assertThat(ToolCallParser.genericResponse("The response is fine.")).isEmpty();
        assertThat(ToolCallParser.genericResponse("{\"response\": ")).isEmpty();
    }

    @Test
    void aForcedCallOfAToolThatIsNotOfferedIsRefused() {
        assertThatThrownBy(() -> model.chat(request(ToolChoice.function("calendar"), 1).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'calendar'").hasMessageContaining("[weather, clock]");
        ChatRequest noTools = ChatRequest.builder().model("local").addMessage(Message.user("hi"))
                .toolChoice(ToolChoice.REQUIRED).build();
        assertThatThrownBy(() -> model.chat(noTools)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one tool");
    }

    @Test
    void aToolSchemaLlamaCppCannotReadIsRefusedNotFatal() {
        ToolDefinition bad = ToolDefinition.builder("lookup").description("looks up")
                .parametersSchema("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"pattern\":\"abc\"}}}").build();
        for (ToolChoice choice : List.of(ToolChoice.AUTO, ToolChoice.REQUIRED)) {
            ChatRequest request = ChatRequest.builder().model("local").addMessage(Message.user("hi")).tools(List.of(bad))
                    .toolChoice(choice).maxCompletionTokens(4).build();
            assertThatThrownBy(() -> model.chat(request)).isInstanceOf(LocalModelException.class)
                    .hasMessageContaining("tool 'lookup'").hasMessageContaining("$.properties.q.pattern")
                    .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.UNSUPPORTED));
        }
        assertThat(model.chat(request(ToolChoice.AUTO, 1).maxCompletionTokens(3).build()).usage()).isPresent();
    }

    @Test
    void aForcedCallCannotBeCombinedWithAJsonResponseFormat() {
        ChatRequest both = request(ToolChoice.REQUIRED, 1)
                .responseFormat(ResponseFormat.jsonSchema("x", "{\"type\":\"object\"}")).build();
        assertThatThrownBy(() -> model.chat(both)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be combined");
    }

    @Test
    void theForcedSchemaNamesEachToolAndKeepsItsParameters() throws Exception {
        JsonNode one = JSON.readTree(ToolCallSchema.forced(ToolChoice.function("clock"), List.of(WEATHER, CLOCK)).orElseThrow());
        assertThat(one.at("/properties/name/const").asText()).isEqualTo("clock");
        assertThat(one.at("/properties/parameters")).isEqualTo(JSON.readTree(CLOCK.parametersSchema().orElseThrow()));
        JsonNode any = JSON.readTree(ToolCallSchema.forced(ToolChoice.REQUIRED, List.of(WEATHER, CLOCK)).orElseThrow());
        Set<String> names = Set.of(any.at("/anyOf/0/properties/name/const").asText(), any.at("/anyOf/1/properties/name/const").asText());
        assertThat(names).containsExactlyInAnyOrder("weather", "clock");
        assertThat(ToolCallSchema.forced(ToolChoice.AUTO, List.of(WEATHER))).isEmpty();
        assertThat(ToolCallSchema.forced(ToolChoice.NONE, List.of(WEATHER))).isEmpty();
    }
}
