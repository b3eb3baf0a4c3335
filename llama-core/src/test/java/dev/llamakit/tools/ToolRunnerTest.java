package dev.llamakit.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The tool loop's rules, with a scripted in-memory {@link ChatModel}. */
class ToolRunnerTest {

    /** Answers with the queued messages in order and records the requests. */
    static final class ScriptedModel implements ChatModel {
        final Deque<AssistantMessage> replies = new ArrayDeque<>();
        final List<ChatRequest> requests = new ArrayList<>();

        ScriptedModel reply(AssistantMessage message) {
            replies.add(message);
            return this;
        }

        ScriptedModel calls(ToolCall... calls) {
            return reply(AssistantMessage.ofToolCalls(List.of(calls)));
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            requests.add(request);
            return ChatResponse.builder().message(replies.remove()).stopReason(StopReason.STOP).build();
        }
    }

    static ChatRequest request() {
        return ChatRequest.builder().model("m").addMessage(Message.user("hi")).build();
    }

    static Tool echo(String name) {
        return Tool.of(name, "Echoes its arguments", "{\"type\":\"object\"}", args -> args);
    }

    record Quote(String symbol, double price, Optional<String> currency) {
    }

    @Test
    void rendersResultsAsStringsOrJson() {
        ScriptedModel model = new ScriptedModel().calls(
                new ToolCall("1", "string", "{}"), new ToolCall("2", "record", "{}"), new ToolCall("3", "map", "{}"),
                new ToolCall("4", "node", "{\"a\":[1,2]}"), new ToolCall("5", "number", "{}"), new ToolCall("6", "null", "{}"))
                .reply(AssistantMessage.of("ok"));
        ToolRunner runner = ToolRunner.builder(model)
                .tools(Tool.of("string", "s", "{}", args -> "plain \"text\""),
                        Tool.of("record", "r", "{}", args -> new Quote("META", 612.5, Optional.empty())),
                        Tool.of("map", "m", "{}", args -> Map.of("k", List.of(1, 2))),
                        echo("node"))
                .tools(List.of(Tool.of("number", "n", "{}", args -> 42), Tool.of("null", "z", "{}", args -> null)))
                .build();

        ToolRunResult result = runner.run(request());

        assertThat(result.invocations()).extracting(ToolInvocation::result).containsExactly(
                "plain \"text\"", "{\"symbol\":\"META\",\"price\":612.5,\"currency\":null}", "{\"k\":[1,2]}",
                "{\"a\":[1,2]}", "42", "null");
        assertThat(result.invocations()).noneMatch(ToolInvocation::error);
        assertThat(result.invocations()).allMatch(i -> !i.duration().isNegative());
    }

    @Test
    void handlersGetAnEmptyObjectForEmptyArguments() {
        List<String> seen = new ArrayList<>();
        ScriptedModel model = new ScriptedModel().calls(new ToolCall("1", "t", ""), new ToolCall("2", "t", "  \n"))
                .reply(AssistantMessage.of("ok"));
        ToolRunner.builder(model).tool(Tool.of("t", "d", "{}", args -> {
            seen.add(args.toString());
            return "x";
        })).build().run(request());
        assertThat(seen).containsExactly("{}", "{}");
    }

    @Test
    void reportsCheckedExceptionsAndExceptionsWithoutMessage() {
        ScriptedModel model = new ScriptedModel().calls(new ToolCall("1", "io", "{}"), new ToolCall("2", "npe", "{}"),
                new ToolCall("3", "anon", "{}"), new ToolCall("4", "unserializable", "{}"))
                .reply(AssistantMessage.of("ok"));
        ToolRunResult result = ToolRunner.builder(model)
                .tool(Tool.of("io", "d", "{}", args -> {
                    throw new IOException("disk full");
                }))
                .tool(Tool.of("npe", "d", "{}", args -> {
                    throw new NullPointerException();
                }))
                .tool(Tool.of("anon", "d", "{}", args -> {
                    throw new RuntimeException("odd") {
                    };
                }))
                .tool(Tool.of("unserializable", "d", "{}", args -> new Object()))
                .build().run(request());

        assertThat(result.invocations()).allMatch(ToolInvocation::error);
        assertThat(result.invocations()).extracting(ToolInvocation::result).satisfiesExactly(
                r -> assertThat(r).isEqualTo("{\"error\":\"IOException: disk full\"}"),
                r -> assertThat(r).isEqualTo("{\"error\":\"NullPointerException\"}"),
                r -> assertThat(r).isEqualTo("{\"error\":\"" + ToolRunnerTest.class.getName() + "$1: odd\"}"),
                r -> assertThat(r).startsWith("{\"error\":\"the tool's result cannot be serialized as JSON: "));
    }

    @Test
    void logsHandlerExceptionsAtDebugOnly() {
        Logger logger = (Logger) LoggerFactory.getLogger(ToolRunner.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level previous = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(appender);
        try {
            ScriptedModel model = new ScriptedModel().calls(new ToolCall("c9", "boom", "{}")).reply(AssistantMessage.of("ok"));
            IllegalStateException failure = new IllegalStateException("kaput");
            ToolRunner.builder(model).tool(Tool.of("boom", "d", "{}", args -> {
                throw failure;
            })).build().run(request());

            assertThat(appender.list).filteredOn(e -> e.getThrowableProxy() != null).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
                assertThat(e.getFormattedMessage()).isEqualTo("tool call c9 of 'boom' failed");
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("kaput");
            });
            assertThat(appender.list).allMatch(e -> e.getLevel() == Level.DEBUG);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }
    }

    @Test
    void givesCallsWithoutAnIdOneSoThatTheirResultsCanAnswerThem() {
        ScriptedModel model = new ScriptedModel()
                .reply(new AssistantMessage("Let me check.", List.of(new ToolCall("", "t", "{}"), new ToolCall("keep", "t", "{}")),
                        StopReason.TOOL_CALLS))
                .reply(AssistantMessage.of("ok"));
        ToolRunResult result = ToolRunner.builder(model).tool(echo("t")).build().run(request());

        AssistantMessage echoed = (AssistantMessage) result.messages().get(1);
        assertThat(echoed.text()).isEqualTo("Let me check.");
        assertThat(echoed.toolCalls()).extracting(ToolCall::id).containsExactly("call_1_0", "keep");
        assertThat(result.messages().get(2)).isEqualTo(new ToolMessage("call_1_0", "{}"));
        assertThat(model.requests.get(1).messages()).isEqualTo(result.messages().subList(0, 4));
    }

    @Test
    void keepsEveryOtherRequestParameterInEachRound() {
        ScriptedModel model = new ScriptedModel().calls(new ToolCall("1", "t", "{}")).reply(AssistantMessage.of("ok"));
        ChatRequest request = request().toBuilder().temperature(0.1).maxCompletionTokens(99).extraBody("min_p", 0.05).build();

        ToolRunner.builder(model).tool(echo("t")).build().run(request);

        for (ChatRequest sent : model.requests) {
            assertThat(sent.temperature()).hasValue(0.1);
            assertThat(sent.maxCompletionTokens()).hasValue(99);
            assertThat(sent.extraBody()).containsEntry("min_p", 0.05);
            assertThat(sent.tools()).extracting(ToolDefinition::name).containsExactly("t");
        }
    }

    @Test
    void aForcedToolChoiceAppliesToTheFirstRoundOnly() {
        for (ToolChoice forced : List.of(ToolChoice.REQUIRED, ToolChoice.function("t"))) {
            ScriptedModel model = new ScriptedModel().calls(new ToolCall("1", "t", "{}")).reply(AssistantMessage.of("ok"));
            ToolRunResult result = ToolRunner.builder(model).tool(echo("t")).build()
                    .run(request().toBuilder().toolChoice(forced).build());
            assertThat(result.text()).isEqualTo("ok");
            assertThat(model.requests).extracting(r -> r.toolChoice().orElseThrow()).containsExactly(forced, ToolChoice.AUTO);
        }
        for (ToolChoice free : List.of(ToolChoice.AUTO, ToolChoice.NONE)) {
            ScriptedModel model = new ScriptedModel().calls(new ToolCall("1", "t", "{}")).reply(AssistantMessage.of("ok"));
            ToolRunner.builder(model).tool(echo("t")).build().run(request().toBuilder().toolChoice(free).build());
            assertThat(model.requests).extracting(r -> r.toolChoice().orElseThrow()).containsExactly(free, free);
        }
    }

    @Test
    void anAnswerWithoutToolCallsEndsTheLoopAtOnce() {
        ScriptedModel model = new ScriptedModel().reply(AssistantMessage.of("Hello."));
        ToolRunResult result = ToolRunner.builder(model).tool(echo("t")).maxIterations(1).build().run(request());
        assertThat(result.text()).isEqualTo("Hello.");
        assertThat(result.modelCalls()).isEqualTo(1);
        assertThat(result.messages()).containsExactly(Message.user("hi"), AssistantMessage.of("Hello."));
    }

    @Test
    void rejectsDuplicateToolNamesAtBuildTime() {
        assertThatThrownBy(() -> ToolRunner.builder(new ScriptedModel()).tool(echo("a")).tools(echo("b"), echo("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("duplicate tool name 'a'");
    }

    @Test
    void rejectsARequestWithADifferentToolOfTheSameName() {
        ToolRunner runner = ToolRunner.builder(new ScriptedModel()).tool(echo("a")).build();
        ChatRequest clash = request().toBuilder().addTool(ToolDefinition.builder("a").description("other").build()).build();
        assertThatThrownBy(() -> runner.run(clash))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the request already has a different tool named 'a'; tool names must be unique");
    }

    @Test
    void validatesItsConfiguration() {
        ScriptedModel model = new ScriptedModel();
        assertThatThrownBy(() -> ToolRunner.builder(model).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ToolRunner needs at least one tool");
        assertThatThrownBy(() -> ToolRunner.builder(model).maxIterations(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxIterations must be at least 1, got 0");
        assertThatThrownBy(() -> ToolRunner.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("model");
        assertThatThrownBy(() -> ToolRunner.builder(model).tool(null)).hasMessage("tool");
        assertThatThrownBy(() -> ToolRunner.builder(model).executor(null)).hasMessage("executor");
        assertThatThrownBy(() -> ToolRunner.builder(model).tool(echo("a")).build().run(null)).hasMessage("request");
        assertThatThrownBy(() -> Tool.builder("a").description("d").build()).hasMessage("handler");
        assertThatThrownBy(() -> Tool.of("bad name", "d", "{}", args -> "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tool.of("a", "d", "[]", args -> "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ToolRunner.builder(model).tool(echo("a")).build().maxIterations()).isEqualTo(8);
    }

    @Test
    void toolsExposeTheirDefinition() {
        Tool tool = Tool.builder("lookup").description("Looks up").parametersSchema("{\"type\":\"object\"}").strict(true)
                .handler(args -> JsonNodeFactory.instance.textNode("x")).build();
        assertThat(tool.name()).isEqualTo("lookup");
        assertThat(tool.definition().strict()).hasValue(true);
        assertThat(tool.definition().parametersSchema()).hasValue("{\"type\":\"object\"}");
        assertThat(tool).hasToString("Tool[name=lookup]");
        assertThat(ToolRunner.builder(new ScriptedModel()).tool(tool).build().definitions()).containsExactly(tool.definition());
    }
}
