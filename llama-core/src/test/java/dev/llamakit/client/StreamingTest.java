package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.error.BadRequestException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.ToolCallSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streaming in both dialects against the test server's generated streams. */
class StreamingTest {
    static final String KEY = "stream-test-key-2718";
    static final String MODEL = "Llama-3.3-8B-Instruct";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    LlamaClient client(Dialect dialect) {
        LlamaTestServer server = extension.server();
        return LlamaClient.builder().dialect(dialect).apiKey(KEY).sleeper(new RecordingSleeper())
                .baseUrl(dialect == Dialect.LLAMA ? server.baseUrl() : server.compatBaseUrl()).build();
    }

    static ChatRequest ask(String text) {
        return ChatRequest.builder().model(MODEL).addMessage(Message.user(text)).build();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void streamsTypedEventsInOrder(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.text("Phobos and Deimos orbit Mars.").withUsage(12, 5));
        List<ChatStreamEvent> events = new ArrayList<>();
        try (ChatStream stream = client(dialect).stream(ask("Moons of Mars?"))) {
            stream.forEach(events::add);
        }
        assertThat(events.get(0)).isInstanceOf(ChatStreamEvent.Start.class);
        String text = events.stream().filter(ChatStreamEvent.TextDelta.class::isInstance)
                .map(e -> ((ChatStreamEvent.TextDelta) e).text()).collect(Collectors.joining());
        assertThat(text).isEqualTo("Phobos and Deimos orbit Mars.");
        assertThat(events.stream().filter(ChatStreamEvent.TextDelta.class::isInstance)).hasSizeGreaterThan(1);
        assertThat(events).filteredOn(ChatStreamEvent.Complete.class::isInstance)
                .containsExactly(new ChatStreamEvent.Complete(StopReason.STOP));
        ChatStreamEvent last = events.get(events.size() - 1);
        assertThat(last).isInstanceOfSatisfying(ChatStreamEvent.Metrics.class,
                m -> assertThat(m.usage()).isEqualTo(new Usage(12, 5, 17)));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void sendsStreamFlagAndEventStreamAccept(Dialect dialect) {
        try (ChatStream stream = client(dialect).stream(ask("hi"))) {
            stream.collect();
        }
        RecordedRequest recorded = extension.server().takeRequest();
        assertThat(recorded.header("Accept")).isEqualTo("text/event-stream");
        JsonNode body = recorded.json();
        assertThat(body.get("stream").asBoolean()).isTrue();
        if (dialect == Dialect.OPENAI) {
            assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
        } else {
            assertThat(body.has("stream_options")).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void collectReturnsWhatANonStreamingCallWould(Dialect dialect) {
        LlamaClient client = client(dialect);
        extension.server().enqueue(ScriptedReply.text("The same answer, twice.").withUsage(30, 4));
        extension.server().enqueue(ScriptedReply.text("The same answer, twice.").withUsage(30, 4));
        ChatResponse plain = client.chat(ask("q"));
        ChatResponse collected;
        try (ChatStream stream = client.stream(ask("q"))) {
            collected = stream.collect();
            assertThat(stream.requestId()).isPresent();
            assertThat(stream.rateLimits().isPresent()).isTrue();
        }
        assertThat(collected.text()).isEqualTo(plain.text());
        assertThat(collected.stopReason()).isEqualTo(plain.stopReason());
        assertThat(collected.usage()).isEqualTo(plain.usage());
        assertThat(collected.toolCalls()).isEqualTo(plain.toolCalls());
        assertThat(collected.message()).isEqualTo(plain.message());
        assertThat(collected.rawJson()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void joinsToolCallFragmentsPerCall(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.toolCalls(
                ToolCallSpec.of("call-1", "get_weather", "{\"location\":\"Oslo, Norway\",\"unit\":\"celsius\"}"),
                ToolCallSpec.of("call-2", "get_time", "{\"timezone\":\"Europe/Oslo\"}")));
        List<ChatStreamEvent.ToolCallDelta> fragments = new ArrayList<>();
        ChatResponse response;
        try (ChatStream stream = client(dialect).stream(ask("weather and time in Oslo"))) {
            for (ChatStreamEvent e : stream) {
                if (e instanceof ChatStreamEvent.ToolCallDelta d) {
                    fragments.add(d);
                }
            }
            response = stream.collect();
        }
        assertThat(fragments.size()).isGreaterThan(2);
        assertThat(response.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call-1", "get_weather", "{\"location\":\"Oslo, Norway\",\"unit\":\"celsius\"}"),
                new ToolCall("call-2", "get_time", "{\"timezone\":\"Europe/Oslo\"}"));
        assertThat(response.text()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void conveniencesDeliverTheText(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.text("one two three"));
        try (ChatStream stream = client(dialect).stream(ask("count"))) {
            assertThat(stream.textDeltas().collect(Collectors.joining())).isEqualTo("one two three");
        }
        extension.server().enqueue(ScriptedReply.text("four five"));
        StringBuilder seen = new StringBuilder();
        try (ChatStream stream = client(dialect).stream(ask("count"))) {
            ChatResponse response = stream.onText(seen::append);
            assertThat(response.text()).isEqualTo("four five");
        }
        assertThat(seen).hasToString("four five");
    }

    @Test
    void aStreamIsSingleUse() {
        try (ChatStream stream = client(Dialect.LLAMA).stream(ask("x"))) {
            stream.iterator();
            assertThatThrownBy(stream::iterator).isInstanceOf(IllegalStateException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void errorStatusesBeforeTheStreamAreTypedAndRetried(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.status(503));
        try (ChatStream stream = client(dialect).stream(ask("after a retry"))) {
            assertThat(stream.collect().text()).contains("after a retry");
        }
        assertThat(extension.server().requestCount()).isEqualTo(2);

        extension.server().enqueue(ScriptedReply.status(400).withBody("{\"error\":{\"message\":\"bad stream\"}}"));
        assertThatThrownBy(() -> client(dialect).stream(ask("x"))).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("bad stream");
    }

    @Test
    void theDefaultChatModelStreamReplaysTheCompleteReply() {
        ChatModel fixed = request -> ChatResponse.builder()
                .message(dev.llamakit.chat.AssistantMessage.of("canned"))
                .stopReason(StopReason.STOP)
                .usage(new Usage(1, 1, 2))
                .build();
        try (ChatStream stream = fixed.stream(ask("x"))) {
            List<ChatStreamEvent> events = new ArrayList<>();
            stream.forEach(events::add);
            assertThat(events).containsExactly(
                    new ChatStreamEvent.Start(null, null),
                    new ChatStreamEvent.TextDelta("canned"),
                    new ChatStreamEvent.Complete(StopReason.STOP),
                    new ChatStreamEvent.Metrics(new Usage(1, 1, 2), java.util.Map.of()));
        }
    }
}
