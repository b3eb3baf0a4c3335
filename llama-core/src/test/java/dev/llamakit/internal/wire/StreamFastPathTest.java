package dev.llamakit.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.StopReason;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast paths on the edge cases found while writing them; each compared with the Jackson-only decoder too. */
class StreamFastPathTest {
    private static final String HEAD = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764028800,"
            + "\"model\":\"Llama-3.3-8B-Instruct\",";
    private static final String ROLE = HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}";

    private static String content(String jsonString) {
        return HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + jsonString + "},\"finish_reason\":null}]}";
    }

    private static String progress(String jsonString) {
        return "{\"id\":\"c1\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":" + jsonString + "}}}";
    }

    private static final String START = "{\"id\":\"c1\",\"event\":{\"event_type\":\"start\",\"delta\":{\"type\":\"text\",\"text\":\"\"}}}";

    /** Decodes the events with the fast path and without; both must agree. Returns the fast decoder's events. */
    private static List<ChatStreamEvent> decode(StreamDecoder fast, Dialect dialect, byte[]... events) {
        StreamDecoder jackson = StreamDecoder.jacksonOnly(dialect);
        List<ChatStreamEvent> out = new ArrayList<>();
        for (byte[] event : events) {
            ArrayDeque<ChatStreamEvent> a = new ArrayDeque<>();
            ArrayDeque<ChatStreamEvent> b = new ArrayDeque<>();
            fast.decode(event, event.length, a);
            jackson.decode(event, event.length, b);
            assertThat(new ArrayList<>(a)).isEqualTo(new ArrayList<>(b));
            out.addAll(a);
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theBenchmarksOpenAiStreamIsReadByTheFastPathAfterItsFirstChunk() {
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.OPENAI);
        List<ChatStreamEvent> events = decode(decoder, Dialect.OPENAI, utf8(ROLE), utf8(content("\"tok \"")),
                utf8(content("\"tok \"")), utf8(HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}"));
        assertThat(events).containsExactly(new ChatStreamEvent.Start("chatcmpl-1", "Llama-3.3-8B-Instruct"),
                new ChatStreamEvent.TextDelta("tok "), new ChatStreamEvent.TextDelta("tok "),
                new ChatStreamEvent.Complete(StopReason.LENGTH));
        assertThat(decoder.fastEvents()).isEqualTo(3);
    }

    @Test
    void everyEscapeAndSurrogatePairsAreDecodedExactly() {
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.OPENAI);
        String escaped = "\"a\\/b\\u00e9\\uD83D\\ude00\\n\\t\\\"\\\\\\b\\f\\r\u00e9\u20ac\ud83d\ude00 \u007f\"";
        List<ChatStreamEvent> events = decode(decoder, Dialect.OPENAI, utf8(ROLE), utf8(content(escaped)));
        assertThat(events).last().isEqualTo(new ChatStreamEvent.TextDelta(
                "a/b\u00e9\ud83d\ude00\n\t\"\\\b\f\r\u00e9\u20ac\ud83d\ude00 \u007f"));
        assertThat(decoder.fastEvents()).isEqualTo(1);
    }

    @Test
    void aLoneEscapedSurrogateIsKeptAsJacksonKeepsIt() {
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.LLAMA);
        List<ChatStreamEvent> events = decode(decoder, Dialect.LLAMA, utf8(START), utf8(progress("\"\\ud800x\"")),
                utf8(progress("\"\\udc00\"")));
        assertThat(events).endsWith(new ChatStreamEvent.TextDelta("\ud800x"), new ChatStreamEvent.TextDelta("\udc00"));
        assertThat(decoder.fastEvents()).isEqualTo(2);
    }

    @Test
    void anEscapedNameIsLeftToJackson() {
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.LLAMA);
        List<ChatStreamEvent> events = decode(decoder, Dialect.LLAMA, utf8(START),
                utf8(progress("\"x\"").replace("\"text\"", "\"te\\u0078t\"")));
        assertThat(events).last().isEqualTo(new ChatStreamEvent.TextDelta("x"));
        assertThat(decoder.fastEvents()).isZero();
    }

    @Test
    void anEncodedSurrogateIsLeftToJacksonWhichRejectsIt() {
        byte[] event = utf8(progress("\"a?b\""));
        int at = new String(event, StandardCharsets.ISO_8859_1).indexOf('?');
        byte[] withSurrogate = new byte[event.length + 2];
        System.arraycopy(event, 0, withSurrogate, 0, at);
        withSurrogate[at] = (byte) 0xed;
        withSurrogate[at + 1] = (byte) 0xa0;
        withSurrogate[at + 2] = (byte) 0x80;
        System.arraycopy(event, at + 1, withSurrogate, at + 3, event.length - at - 1);
        List<String> messages = new ArrayList<>();
        for (StreamDecoder d : List.of(StreamDecoder.forDialect(Dialect.LLAMA), StreamDecoder.jacksonOnly(Dialect.LLAMA))) {
            d.decode(utf8(START), utf8(START).length, new ArrayDeque<>());
            d.decode(utf8(progress("\"x\"")), utf8(progress("\"x\"")).length, new ArrayDeque<>());
            assertThatThrownBy(() -> d.decode(withSurrogate, withSurrogate.length, new ArrayDeque<>()))
                    .isInstanceOf(WireException.class).hasMessageContaining("Illegal surrogate character 0xd800")
                    .satisfies(e -> messages.add(e.getMessage()));
        }
        assertThat(messages.get(0)).isEqualTo(messages.get(1));
    }

    @Test
    void theNativeCompleteEventIsReadByTheFastPathAndToolCallsByJackson() {
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.LLAMA);
        List<ChatStreamEvent> events = decode(decoder, Dialect.LLAMA, utf8(START), utf8(progress("\"Hi\"")),
                utf8("{\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"tool_call\",\"id\":\"tc-1\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}}}"),
                utf8("{\"id\":\"c1\",\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},"
                        + "\"stop_reason\":\"stop\"}}"));
        assertThat(events).containsExactly(new ChatStreamEvent.Start("c1", null), new ChatStreamEvent.TextDelta("Hi"),
                new ChatStreamEvent.ToolCallDelta(0, "tc-1", "f", "{}"), new ChatStreamEvent.Complete(StopReason.STOP));
        assertThat(decoder.fastEvents()).isEqualTo(2);
    }

    @Test
    void bytesAfterAnEventsObjectTurnTheFastPathOffAsJacksonReadsThemWithTheNextEvent() {
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.OPENAI);
        StreamDecoder jackson = StreamDecoder.jacksonOnly(Dialect.OPENAI);
        byte[] trailing = utf8(content("\"a\"") + "}");
        byte[] next = utf8(content("\"b\""));
        for (StreamDecoder d : List.of(decoder, jackson)) {
            d.decode(utf8(ROLE), utf8(ROLE).length, new ArrayDeque<>());
            d.decode(trailing, trailing.length, new ArrayDeque<>());
            assertThatThrownBy(() -> d.decode(next, next.length, new ArrayDeque<>()))
                    .isInstanceOf(WireException.class).hasMessageContaining("Unexpected close marker '}'");
        }
        assertThat(decoder.fastEvents()).isZero();
    }

    @Test
    void invalidJsonAfterFastEventsFailsWithJacksonsMessageWithoutItsLocation() {
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.OPENAI);
        StreamDecoder jackson = StreamDecoder.jacksonOnly(Dialect.OPENAI);
        byte[] cut = utf8(content("\"a\"").substring(0, 60));
        String[] messages = new String[2];
        int i = 0;
        for (StreamDecoder d : List.of(decoder, jackson)) {
            d.decode(utf8(ROLE), utf8(ROLE).length, new ArrayDeque<>());
            for (int n = 0; n < 3; n++) {
                d.decode(utf8(content("\"x\"")), utf8(content("\"x\"")).length, new ArrayDeque<>());
            }
            int k = i++;
            assertThatThrownBy(() -> d.decode(cut, cut.length, new ArrayDeque<>()))
                    .isInstanceOf(WireException.class)
                    .satisfies(e -> messages[k] = e.getMessage());
        }
        assertThat(decoder.fastEvents()).isEqualTo(3);
        assertThat(messages[0]).isEqualTo(messages[1])
                .startsWith("stream event is not valid JSON (Unexpected end-of-input")
                .doesNotContain("line:", "column:");
    }
}
