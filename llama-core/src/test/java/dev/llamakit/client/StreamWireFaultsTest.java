package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.error.MalformedResponseException;
import dev.llamakit.client.error.StreamErrorException;
import dev.llamakit.client.error.TruncatedStreamException;
import dev.llamakit.client.observe.ChatCall;
import dev.llamakit.client.observe.ChatListener;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Recorded streams replayed verbatim: framing variants, chunk boundaries, errors and truncation. */
class StreamWireFaultsTest {
    static final String KEY = "stream-faults-key-1618";

    /** The reference's composed native text stream. */
    static final String NATIVE = String.join("",
            "data: {\"id\":\"c1\",\"event\":{\"event_type\":\"start\",\"delta\":{\"type\":\"text\",\"text\":\"\"}}}\n\n",
            "data: {\"id\":\"c1\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"Pho\"}}}\n\n",
            "data: {\"id\":\"c1\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"bos \u2014 \u706b\u536b\u4e00.\"}}}\n\n",
            "data: {\"id\":\"c1\",\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},\"stop_reason\":\"stop\"}}\n\n",
            "data: {\"id\":\"c1\",\"event\":{\"event_type\":\"metrics\",\"delta\":{\"type\":\"text\",\"text\":\"\"},\"metrics\":["
                    + "{\"metric\":\"num_completion_tokens\",\"value\":4,\"unit\":\"tokens\"},"
                    + "{\"metric\":\"num_prompt_tokens\",\"value\":21,\"unit\":\"tokens\"},"
                    + "{\"metric\":\"num_total_tokens\",\"value\":25,\"unit\":\"tokens\"}]}}\n\n");

    /** The reference's composed native tool-call stream (fragments without ids). */
    static final String NATIVE_TOOLS = String.join("",
            "data: {\"event\":{\"event_type\":\"start\",\"delta\":{\"type\":\"text\",\"text\":\"\"}}}\n\n",
            "data: {\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"tool_call\",\"id\":\"tc-1\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}}}\n\n",
            "data: {\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"tool_call\",\"function\":{\"arguments\":\"{\\\"location\\\":\"}}}}\n\n",
            "data: {\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"tool_call\",\"function\":{\"arguments\":\"\\\"Oslo\\\"}\"}}}}\n\n",
            "data: {\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},\"stop_reason\":\"tool_calls\"}}\n\n",
            "data: {\"event\":{\"event_type\":\"metrics\",\"delta\":{\"type\":\"text\",\"text\":\"\"},\"metrics\":[{\"metric\":\"num_total_tokens\",\"value\":158,\"unit\":\"tokens\"}]}}\n\n");

    static final String OPENAI = String.join("",
            "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Pho\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bos \u2014 \u706b\u536b\u4e00.\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25}}\n\n",
            "data: [DONE]\n\n");

    static final String OPENAI_TOOLS = String.join("",
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\n\n",
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\\\"Oslo\\\"}\"}}]}}]}\n\n",
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}}]}\n\n",
            "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
            "data: [DONE]\n\n");

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));
    final RecordingSleeper sleeper = new RecordingSleeper();

    private LlamaClient client(Dialect dialect) {
        LlamaTestServer s = extension.server();
        return LlamaClient.builder().dialect(dialect).apiKey(KEY).sleeper(sleeper)
                .baseUrl(dialect == Dialect.LLAMA ? s.baseUrl() : s.compatBaseUrl()).build();
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("moon?")).build();
    }

    private ChatResponse replay(Dialect dialect, List<String> chunks) {
        extension.server().enqueue(ScriptedReply.sse(chunks));
        try (ChatStream stream = client(dialect).stream(ask())) {
            return stream.collect();
        }
    }

    @Test
    void parsesTheNativeStreamWithoutDone() {
        ChatResponse r = replay(Dialect.LLAMA, List.of(NATIVE));
        assertThat(r.text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
        assertThat(r.id()).contains("c1");
        assertThat(r.stopReason()).isEqualTo(StopReason.STOP);
        assertThat(r.usage()).contains(new Usage(21, 4, 25));
    }

    @Test
    void parsesTheOpenAiStreamWithDone() {
        ChatResponse r = replay(Dialect.OPENAI, List.of(OPENAI));
        assertThat(r.text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
        assertThat(r.model()).contains("m");
        assertThat(r.usage()).contains(new Usage(21, 4, 25));
    }

    @Test
    void joinsNativeToolFragmentsThatCarryNoId() {
        ChatResponse r = replay(Dialect.LLAMA, List.of(NATIVE_TOOLS));
        assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_CALLS);
        assertThat(r.toolCalls()).containsExactly(new ToolCall("tc-1", "get_weather", "{\"location\":\"Oslo\"}"));
        assertThat(r.usage()).contains(new Usage(0, 0, 158));
    }

    @Test
    void joinsOpenAiToolFragmentsByIndex() {
        ChatResponse r = replay(Dialect.OPENAI, List.of(OPENAI_TOOLS));
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("call_a", "get_weather", "{\"location\":\"Oslo\"}"),
                new ToolCall("call_b", "get_time", "{}"));
    }

    @Test
    void chunkBoundariesDoNotMatterAtAnyByteOffset() {
        for (Dialect dialect : Dialect.values()) {
            String recorded = dialect == Dialect.LLAMA ? NATIVE : OPENAI;
            byte[] bytes = recorded.getBytes(StandardCharsets.UTF_8);
            ChatResponse whole = replay(dialect, List.of(recorded));
            LlamaClient client = client(dialect);
            for (int offset = 1; offset < bytes.length; offset++) {
                extension.server().enqueue(ScriptedReply.sseBytes(List.of(
                        Arrays.copyOfRange(bytes, 0, offset), Arrays.copyOfRange(bytes, offset, bytes.length))));
                try (ChatStream stream = client.stream(ask())) {
                    ChatResponse split = stream.collect();
                    assertThat(split.message()).as("%s split at byte %d", dialect, offset).isEqualTo(whole.message());
                    assertThat(split.usage()).isEqualTo(whole.usage());
                }
            }
        }
    }

    @Test
    void crlfAndCrLineEndsAndKeepAlivesWork() {
        ChatResponse crlf = replay(Dialect.LLAMA, List.of(": keep-alive\r\n\r\n" + NATIVE.replace("\n", "\r\n")));
        assertThat(crlf.text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
        ChatResponse cr = replay(Dialect.OPENAI, List.of(OPENAI.replace("\n", "\r")));
        assertThat(cr.usage()).contains(new Usage(21, 4, 25));
        String withComments = OPENAI.replace("\n\ndata:", "\n\n: ping\n\ndata:");
        assertThat(replay(Dialect.OPENAI, List.of(withComments)).text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
    }

    @Test
    void multiLineDataAndAFinalEventWithoutBlankLineWork() {
        String multiLine = NATIVE.replace("{\"id\":\"c1\",\"event\"", "{\"id\":\"c1\",\ndata: \"event\"");
        assertThat(replay(Dialect.LLAMA, List.of(multiLine)).text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
        String noTrailingBlank = OPENAI.substring(0, OPENAI.length() - 2);
        assertThat(replay(Dialect.OPENAI, List.of(noTrailingBlank)).usage()).contains(new Usage(21, 4, 25));
    }

    @Test
    void aBareJsonErrorLineMidStreamIsATypedError() {
        String[] events = NATIVE.split("(?<=\n\n)");
        String broken = events[0] + events[1] + "{\"error\":{\"message\":\"model overloaded\",\"code\":503}}\n" + events[2];
        extension.server().enqueue(ScriptedReply.sse(List.of(broken)));
        List<String> texts = new ArrayList<>();
        try (ChatStream stream = client(Dialect.LLAMA).stream(ask())) {
            assertThatThrownBy(() -> stream.forEach(e -> {
                if (e instanceof ChatStreamEvent.TextDelta d) {
                    texts.add(d.text());
                }
            }))
                    .isInstanceOfSatisfying(StreamErrorException.class, e -> {
                        assertThat(e.getMessage()).contains("model overloaded");
                        assertThat(e.rawJson()).contains("\"code\":503");
                    });
        }
        assertThat(texts).containsExactly("Pho");
        assertThat(extension.server().requestCount()).isEqualTo(1);
    }

    @Test
    void anErrorChunkOrErrorEventIsATypedError() {
        extension.server().enqueue(ScriptedReply.sse(List.of("data: {\"error\":{\"message\":\"context too long\"}}\n\n")));
        assertThatThrownBy(() -> {
            try (ChatStream s = client(Dialect.OPENAI).stream(ask())) {
                s.collect();
            }
        }).isInstanceOf(StreamErrorException.class).hasMessageContaining("context too long");
        extension.server().enqueue(ScriptedReply.sse(List.of("event: error\ndata: {\"message\":\"boom\"}\n\n")));
        assertThatThrownBy(() -> {
            try (ChatStream s = client(Dialect.LLAMA).stream(ask())) {
                s.collect();
            }
        }).isInstanceOf(StreamErrorException.class).hasMessageContaining("boom");
    }

    @Test
    void aStreamEndingBeforeCompleteIsTruncatedAndKeepsWhatArrived() {
        String[] events = NATIVE.split("(?<=\n\n)");
        extension.server().enqueue(ScriptedReply.sse(List.of(events[0] + events[1] + events[2])));
        try (ChatStream stream = client(Dialect.LLAMA).stream(ask())) {
            assertThatThrownBy(stream::collect).isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
                assertThat(e.partial().text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
                assertThat(e.partial().stopReason()).isEqualTo(StopReason.OTHER);
            });
            assertThatThrownBy(stream::collect).isInstanceOf(TruncatedStreamException.class);
        }
        String openAiCut = OPENAI.substring(0, OPENAI.indexOf("data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},"));
        extension.server().enqueue(ScriptedReply.sseThenDrop(List.of(openAiCut)));
        try (ChatStream stream = client(Dialect.OPENAI).stream(ask())) {
            assertThatThrownBy(stream::collect).isInstanceOfSatisfying(TruncatedStreamException.class,
                    e -> assertThat(e.partial().text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00."));
        }
        assertThat(extension.server().requestCount()).as("no retry after the first event").isEqualTo(2);
    }

    @Test
    void aDoneWithoutFinishReasonCompletesTheReply() {
        ChatResponse r = replay(Dialect.OPENAI, List.of(
                "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n"));
        assertThat(r.text()).isEqualTo("hi");
        assertThat(r.stopReason()).isEqualTo(StopReason.STOP);
    }

    @Test
    void nonJsonDataLinesAreSkipped() {
        ChatResponse r = replay(Dialect.LLAMA, List.of("data: hello there\n\n" + NATIVE));
        assertThat(r.text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
    }

    @Test
    void aMalformedJsonChunkIsATypedError() {
        extension.server().enqueue(ScriptedReply.sse(List.of("data: {\"event\":{\"event_type\":\"progress\",\"delta\":\n\n")));
        assertThatThrownBy(() -> {
            try (ChatStream s = client(Dialect.LLAMA).stream(ask())) {
                s.collect();
            }
        }).isInstanceOf(MalformedResponseException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void aConnectionDroppedBeforeTheFirstEventIsRetried() {
        extension.server().enqueue(ScriptedReply.sseThenDrop(List.of(": connecting\n\n")));
        extension.server().enqueue(ScriptedReply.sse(List.of(NATIVE)));
        try (ChatStream stream = client(Dialect.LLAMA).stream(ask())) {
            assertThat(stream.collect().text()).isEqualTo("Phobos \u2014 \u706b\u536b\u4e00.");
        }
        assertThat(extension.server().requestCount()).isEqualTo(2);
        assertThat(sleeper.waits()).hasSize(1);
    }

    /**
     * Opening and reopening a stream share one retry budget: {@code maxRetries} retries in all, so a stream makes
     * at most {@code maxRetries + 1} requests, as for any other call (each reopening used to get a fresh budget).
     */
    @Test
    void reopeningAStreamSharesTheCallsRetryBudget() {
        extension.server().enqueue(ScriptedReply.status(503));
        extension.server().enqueue(ScriptedReply.sseThenDrop(List.of(": connecting\n\n")));
        extension.server().enqueue(ScriptedReply.sseThenDrop(List.of(": connecting\n\n")));
        extension.server().enqueue(ScriptedReply.sse(List.of(NATIVE)));
        List<Integer> retried = new ArrayList<>();
        LlamaClient client = client(Dialect.LLAMA).newBuilder().listener(new ChatListener() {
            @Override
            public void onRetry(ChatCall call, int failedAttempt, java.time.Duration wait, String reason) {
                retried.add(failedAttempt);
            }
        }).build();
        try (ChatStream stream = client.stream(ask())) {
            assertThatThrownBy(stream::collect).isInstanceOf(TruncatedStreamException.class);
        }
        assertThat(extension.server().requestCount()).as("the first attempt and maxRetries = 2 retries").isEqualTo(3);
        assertThat(retried).as("attempts numbered across the call").containsExactly(1, 2);
        assertThat(sleeper.waits()).hasSize(2);
    }
}
