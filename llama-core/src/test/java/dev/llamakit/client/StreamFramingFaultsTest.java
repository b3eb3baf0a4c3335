package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.client.error.StreamErrorException;
import dev.llamakit.client.error.TruncatedStreamException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Framing faults seen on real servers: a byte order mark, llama.cpp's {@code error:} lines, a body cut mid-line. */
class StreamFramingFaultsTest {
    static final String KEY = "stream-framing-key-2718";

    static final String OPENAI_START = String.join("",
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Pho\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bos\"},\"finish_reason\":null}]}\n\n");
    static final String OPENAI_END = String.join("",
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n");

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private LlamaClient client(Dialect dialect) {
        LlamaTestServer s = extension.server();
        return LlamaClient.builder().dialect(dialect).apiKey(KEY).sleeper(new RecordingSleeper())
                .baseUrl(dialect == Dialect.LLAMA ? s.baseUrl() : s.compatBaseUrl()).build();
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("moon?")).build();
    }

    private ChatResponse collect(Dialect dialect, ScriptedReply reply) {
        extension.server().enqueue(reply);
        try (ChatStream stream = client(dialect).stream(ask())) {
            return stream.collect();
        }
    }

    @Test
    void aByteOrderMarkBeforeTheFirstEventIsSkipped() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = (OPENAI_START + OPENAI_END).getBytes(StandardCharsets.UTF_8);
        ChatResponse r = collect(Dialect.OPENAI, ScriptedReply.sseBytes(List.of(bom, body)));
        assertThat(r.text()).isEqualTo("Phobos");
        byte[] split = {(byte) 0xBB, (byte) 0xBF, '{'};
        // the mark split across reads, before a bare JSON error line
        extension.server().enqueue(ScriptedReply.sseBytes(List.of(new byte[] {(byte) 0xEF}, split,
                "\"error\":{\"message\":\"warming up\"}}\n".getBytes(StandardCharsets.UTF_8))));
        assertThatThrownBy(() -> {
            try (ChatStream s = client(Dialect.LLAMA).stream(ask())) {
                s.collect();
            }
        }).isInstanceOf(StreamErrorException.class).hasMessageContaining("warming up");
    }

    @Test
    void aLlamaCppErrorLineIsAStreamError() {
        String error = "{\"code\":500,\"message\":\"the request exceeds the available context size\",\"type\":\"server_error\"}";
        extension.server().enqueue(ScriptedReply.sse(List.of(OPENAI_START + "error: " + error + "\n\n")));
        try (ChatStream stream = client(Dialect.OPENAI).stream(ask())) {
            assertThatThrownBy(stream::collect).isInstanceOfSatisfying(StreamErrorException.class, e -> {
                assertThat(e.getMessage()).contains("the request exceeds the available context size");
                assertThat(e.rawJson()).isEqualTo(error);
            });
        }
    }

    @Test
    void anErrorEventAndAnErrorChunkAreStreamErrors() {
        assertThatThrownBy(() -> collect(Dialect.OPENAI, ScriptedReply.sse(List.of(
                OPENAI_START + "event: error\ndata: {\"error\":{\"message\":\"upstream gone\"}}\n\n"))))
                .isInstanceOf(StreamErrorException.class).hasMessageContaining("upstream gone");
        assertThatThrownBy(() -> collect(Dialect.OPENAI, ScriptedReply.sse(List.of(OPENAI_START
                + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"error\":{\"message\":\"vllm died\",\"type\":\"InternalServerError\",\"code\":500}}\n\n"))))
                .isInstanceOf(StreamErrorException.class).hasMessageContaining("vllm died");
    }

    @Test
    void anErrorMemberThatIsNullIsNoError() {
        String withNull = (OPENAI_START + OPENAI_END).replace("\"choices\"", "\"error\":null,\"choices\"");
        ChatResponse r = collect(Dialect.OPENAI, ScriptedReply.sse(List.of(withNull)));
        assertThat(r.text()).isEqualTo("Phobos");
        assertThat(r.stopReason()).isEqualTo(StopReason.STOP);
        String nativeNull = "data: {\"id\":\"n\",\"error\":null,\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"hi\"}}}\n\n"
                + "data: {\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},\"stop_reason\":\"stop\"},\"error\":null}\n\n";
        assertThat(collect(Dialect.LLAMA, ScriptedReply.sse(List.of(nativeNull))).text()).isEqualTo("hi");
    }

    @Test
    void aBodyCutInTheMiddleOfALineIsTruncatedNotMalformed() {
        for (Dialect dialect : Dialect.values()) {
            String cut = dialect == Dialect.OPENAI
                    ? OPENAI_START + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" and De"
                    : "data: {\"id\":\"n\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"Phobos\"}}}\n\n"
                            + "data: {\"id\":\"n\",\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"te";
            extension.server().enqueue(ScriptedReply.sse(List.of(cut)));
            try (ChatStream stream = client(dialect).stream(ask())) {
                assertThatThrownBy(stream::collect).as("%s", dialect)
                        .isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
                            assertThat(e.partial().text()).isEqualTo("Phobos");
                            assertThat(e.partial().stopReason()).isEqualTo(StopReason.OTHER);
                        });
            }
        }
    }
}
