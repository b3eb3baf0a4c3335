package dev.llamakit.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.Role;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.ToolCallSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The tool loop against the test server, in both dialects: what is run, and what is sent back on the wire. */
class ToolRunnerWireTest {
    static final String KEY = "llama-test-key-tools";
    static final String MODEL = "Llama-3.3-70B-Instruct";
    static final String LOCATION_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    final List<String> weatherCalls = new CopyOnWriteArrayList<>();

    final Tool weather = Tool.of("get_weather", "Current weather for a city", LOCATION_SCHEMA, args -> {
        weatherCalls.add(args.get("location").asText());
        return "Light rain, 9°C in " + args.get("location").asText();
    });

    record Meeting(String title, String time) {
    }

    final Tool calendar = Tool.builder("next_meeting")
            .description("The user's next meeting")
            .handler(args -> new Meeting("Design review", "15:00"))
            .build();

    private LlamaClient client(Dialect dialect) {
        String url = dialect == Dialect.LLAMA ? extension.server().baseUrl() : extension.server().compatBaseUrl();
        return LlamaClient.builder().dialect(dialect).baseUrl(url).apiKey(KEY).build();
    }

    private static ChatRequest question() {
        return ChatRequest.builder().model(MODEL)
                .addMessage(Message.system("Use the tools."))
                .addMessage(Message.user("Do I need an umbrella for my next meeting in Oslo?"))
                .build();
    }

    private static ToolRunResult run(ToolRunner.Builder builder) {
        return builder.build().run(question());
    }

    private ToolRunner.Builder runner(Dialect dialect) {
        return ToolRunner.builder(client(dialect)).tool(weather).tool(calendar);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void runsTwoToolsInTwoRoundsAndSendsEverythingBack(Dialect dialect) {
        extension.server()
                .enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("c1", "next_meeting", "")))
                .enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("c2", "get_weather", "{\"location\":\"Oslo\"}")))
                .enqueue(ScriptedReply.text("Yes: light rain at 15:00."));

        ToolRunResult result = run(runner(dialect));

        assertThat(result.text()).isEqualTo("Yes: light rain at 15:00.");
        assertThat(result.modelCalls()).isEqualTo(3);
        assertThat(weatherCalls).containsExactly("Oslo");
        assertThat(result.invocations()).extracting(ToolInvocation::callId, ToolInvocation::toolName,
                        ToolInvocation::arguments, ToolInvocation::result, ToolInvocation::error)
                .containsExactly(
                        tuple("c1", "next_meeting", "",
                                "{\"title\":\"Design review\",\"time\":\"15:00\"}", false),
                        tuple("c2", "get_weather", "{\"location\":\"Oslo\"}",
                                "Light rain, 9°C in Oslo", false));
        assertThat(result.messages()).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER,
                Role.ASSISTANT, Role.TOOL, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
        assertThat(((AssistantMessage) result.messages().get(2)).toolCalls())
                .containsExactly(new ToolCall("c1", "next_meeting", ""));
        assertThat(((AssistantMessage) result.messages().get(4)).toolCalls())
                .containsExactly(new ToolCall("c2", "get_weather", "{\"location\":\"Oslo\"}"));
        assertThat(result.messages().get(6)).isEqualTo(result.response().message());

        List<RecordedRequest> requests = extension.server().requests();
        assertThat(requests).hasSize(3);
        for (RecordedRequest request : requests) {
            assertThat(request.json().get("tools")).extracting(t -> t.get("function").get("name").asText())
                    .containsExactly("get_weather", "next_meeting");
        }
        JsonNode tools = requests.get(0).json().get("tools");
        assertThat(tools.get(0).get("function").get("parameters").get("required").get(0).asText()).isEqualTo("location");
        assertThat(tools.get(1).get("function").get("description").asText()).isEqualTo("The user's next meeting");
        assertThat(tools.get(1).get("function").has("parameters")).isFalse();

        assertThat(requests.get(0).json().get("messages")).hasSize(2);
        JsonNode second = requests.get(1).json().get("messages");
        assertThat(second).hasSize(4);
        assertEchoedCall(second.get(2), "c1", "next_meeting", "");
        assertToolMessage(second.get(3), "c1", "{\"title\":\"Design review\",\"time\":\"15:00\"}");
        JsonNode third = requests.get(2).json().get("messages");
        assertThat(third).hasSize(6);
        assertThat(third.get(2)).isEqualTo(second.get(2));
        assertEchoedCall(third.get(4), "c2", "get_weather", "{\"location\":\"Oslo\"}");
        assertToolMessage(third.get(5), "c2", "Light rain, 9°C in Oslo");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void answersParallelCallsOfOneReplyInOrder(Dialect dialect) {
        extension.server()
                .enqueue(ScriptedReply.toolCalls(
                        ToolCallSpec.of("w-oslo", "get_weather", "{\"location\":\"Oslo\"}"),
                        ToolCallSpec.of("w-rome", "get_weather", "{\"location\":\"Rome\"}"),
                        ToolCallSpec.of("m", "next_meeting", "{}")))
                .enqueue(ScriptedReply.text("Done."));

        ToolRunResult result = run(runner(dialect));

        assertThat(result.modelCalls()).isEqualTo(2);
        assertThat(weatherCalls).containsExactly("Oslo", "Rome");
        JsonNode messages = extension.server().requests().get(1).json().get("messages");
        assertThat(messages).hasSize(6);
        JsonNode calls = messages.get(2).get("tool_calls");
        assertThat(calls).extracting(c -> c.get("id").asText()).containsExactly("w-oslo", "w-rome", "m");
        assertToolMessage(messages.get(3), "w-oslo", "Light rain, 9°C in Oslo");
        assertToolMessage(messages.get(4), "w-rome", "Light rain, 9°C in Rome");
        assertToolMessage(messages.get(5), "m", "{\"title\":\"Design review\",\"time\":\"15:00\"}");
        assertThat(result.messages().subList(3, 6)).containsExactly(
                new ToolMessage("w-oslo", "Light rain, 9°C in Oslo"),
                new ToolMessage("w-rome", "Light rain, 9°C in Rome"),
                new ToolMessage("m", "{\"title\":\"Design review\",\"time\":\"15:00\"}"));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void reportsAFailingHandlerToTheModelAndGoesOn(Dialect dialect) {
        Tool broken = Tool.of("stock_price", "Price of a stock", "{\"type\":\"object\"}", args -> {
            throw new IllegalStateException("quote service unavailable");
        });
        extension.server()
                .enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("s1", "stock_price", "{\"symbol\":\"META\"}")))
                .enqueue(ScriptedReply.text("I could not get the price."));

        ToolRunResult result = run(runner(dialect).tool(broken));

        assertThat(result.text()).isEqualTo("I could not get the price.");
        ToolInvocation invocation = result.invocations().get(0);
        assertThat(invocation.error()).isTrue();
        assertThat(invocation.result()).isEqualTo("{\"error\":\"IllegalStateException: quote service unavailable\"}");
        assertToolMessage(extension.server().requests().get(1).json().get("messages").get(3), "s1",
                "{\"error\":\"IllegalStateException: quote service unavailable\"}");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void reportsAnUnknownToolWithTheAvailableNames(Dialect dialect) {
        extension.server()
                .enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("x1", "send_email", "{\"to\":\"bob\"}"),
                        ToolCallSpec.of("x2", "get_weather", "{\"location\":\"Oslo\"}")))
                .enqueue(ScriptedReply.text("I cannot send e-mail."));

        ToolRunResult result = run(runner(dialect));

        String expected = "{\"error\":\"unknown tool 'send_email'; available: get_weather, next_meeting\"}";
        assertThat(result.invocations()).extracting(ToolInvocation::error).containsExactly(true, false);
        JsonNode messages = extension.server().requests().get(1).json().get("messages");
        assertToolMessage(messages.get(3), "x1", expected);
        assertToolMessage(messages.get(4), "x2", "Light rain, 9°C in Oslo");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void reportsArgumentsThatAreNotAJsonObject(Dialect dialect) {
        extension.server()
                .enqueue(ScriptedReply.toolCalls(
                        ToolCallSpec.of("a1", "get_weather", "{\"location\": \"Oslo\""),
                        ToolCallSpec.of("a2", "get_weather", "[\"Oslo\"]"),
                        ToolCallSpec.of("a3", "get_weather", "{\"location\":\"Oslo\"} trailing")))
                .enqueue(ScriptedReply.text("Sorry."));

        ToolRunResult result = run(runner(dialect));

        assertThat(weatherCalls).isEmpty();
        assertThat(result.invocations()).allMatch(ToolInvocation::error);
        JsonNode messages = extension.server().requests().get(1).json().get("messages");
        assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo("a1");
        assertThat(error(messages.get(3))).startsWith("arguments are not valid JSON: Unexpected end-of-input");
        assertThat(error(messages.get(4))).isEqualTo("arguments are not a JSON object: got array");
        assertThat(error(messages.get(5))).startsWith("arguments are not valid JSON: ");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void stopsAfterMaxIterationsWithTheExchangeSoFar(Dialect dialect) {
        for (int i = 1; i <= 3; i++) {
            extension.server().enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("r" + i, "get_weather", "{\"location\":\"Oslo\"}")));
        }

        ToolRunner runner = runner(dialect).maxIterations(2).build();

        assertThatThrownBy(() -> runner.run(question()))
                .isInstanceOfSatisfying(ToolLoopException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("the model still called tools (get_weather) after 2 model "
                            + "calls; raise maxIterations (now 2) if the task needs more rounds");
                    assertThat(e.modelCalls()).isEqualTo(2);
                    assertThat(e.invocations()).extracting(ToolInvocation::callId).containsExactly("r1");
                    assertThat(e.messages()).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER,
                            Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
                    assertThat(((AssistantMessage) e.messages().get(4)).toolCalls().get(0).id()).isEqualTo("r2");
                });
        assertThat(extension.server().requestCount()).isEqualTo(2);
        assertThat(weatherCalls).containsExactly("Oslo");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void keepsTheRequestsOwnTools(Dialect dialect) {
        ToolDefinition search = ToolDefinition.builder("search").description("Web search").build();
        extension.server().enqueue(ScriptedReply.text("No tools needed."));

        ToolRunResult result = runner(dialect).build().run(question().toBuilder().addTool(search).addTool(weather.definition()).build());

        assertThat(result.modelCalls()).isEqualTo(1);
        assertThat(result.invocations()).isEmpty();
        assertThat(extension.server().takeRequest().json().get("tools"))
                .extracting(t -> t.get("function").get("name").asText())
                .containsExactly("search", "get_weather", "next_meeting");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void runsTheCallsOfOneReplyInParallelOnTheExecutor(Dialect dialect) throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        List<String> threads = new CopyOnWriteArrayList<>();
        ToolHandler waitForTheOther = args -> {
            threads.add(Thread.currentThread().getName());
            bothRunning.countDown();
            if (!bothRunning.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the calls did not run in parallel");
            }
            if (args.get("n").asInt() == 1) {
                Thread.sleep(50); // the first call finishes last; its result still comes first
            }
            return "done " + args.get("n").asInt();
        };
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "tool-worker"));
        try {
            extension.server()
                    .enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("p1", "slow", "{\"n\":1}"),
                            ToolCallSpec.of("p2", "slow", "{\"n\":2}")))
                    .enqueue(ScriptedReply.text("Both done."));

            ToolRunResult result = run(ToolRunner.builder(client(dialect))
                    .tool(Tool.of("slow", "Waits for the other call", "{\"type\":\"object\"}", waitForTheOther))
                    .executor(executor));

            assertThat(result.text()).isEqualTo("Both done.");
            assertThat(threads).containsExactly("tool-worker", "tool-worker");
            assertThat(result.invocations()).extracting(ToolInvocation::callId, ToolInvocation::result, ToolInvocation::error)
                    .containsExactly(tuple("p1", "done 1", false), tuple("p2", "done 2", false));
            JsonNode messages = extension.server().requests().get(1).json().get("messages");
            assertToolMessage(messages.get(3), "p1", "done 1");
            assertToolMessage(messages.get(4), "p2", "done 2");
        } finally {
            executor.shutdownNow();
        }
    }

    private static String error(JsonNode toolMessage) {
        try {
            return new ObjectMapper().readTree(toolMessage.get("content").asText()).get("error").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The assistant message echoes the call: its id, function name and arguments (native and OpenAI shapes). */
    static void assertEchoedCall(JsonNode message, String id, String name, String arguments) {
        assertThat(message.get("role").asText()).isEqualTo("assistant");
        JsonNode calls = message.get("tool_calls");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).get("id").asText()).isEqualTo(id);
        assertThat(calls.get(0).get("function").get("name").asText()).isEqualTo(name);
        assertThat(calls.get(0).get("function").get("arguments").asText()).isEqualTo(arguments);
    }

    static void assertToolMessage(JsonNode message, String toolCallId, String content) {
        assertThat(message.get("role").asText()).isEqualTo("tool");
        assertThat(message.get("tool_call_id").asText()).isEqualTo(toolCallId);
        assertThat(message.get("content").asText()).isEqualTo(content);
    }
}
