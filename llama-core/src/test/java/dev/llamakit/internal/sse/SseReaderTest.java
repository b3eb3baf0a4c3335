package dev.llamakit.internal.sse;

import dev.llamakit.internal.ChunkedInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    /** Reads every event as "kind|type|data". */
    private static List<String> events(InputStream in) throws IOException {
        SseReader reader = new SseReader(in, 16);
        List<String> out = new ArrayList<>();
        while (reader.next()) {
            out.add(reader.kind() + "|" + reader.eventType() + "|" + reader.dataText());
        }
        return out;
    }

    private static List<String> events(String stream) throws IOException {
        return events(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
    }

    /** Returns at most {@code step} bytes per read, so events straddle every possible boundary. */
    private static InputStream trickle(byte[] bytes, int step) {
        return ChunkedInput.fixedReads(bytes, step);
    }

    @Test
    void readsEventsSeparatedByBlankLines() throws IOException {
        assertThat(events("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n"))
                .containsExactly("EVENT|null|{\"a\":1}", "EVENT|null|{\"b\":2}");
    }

    @Test
    void handlesCrLfAndBareCrLineEnds() throws IOException {
        assertThat(events("data: one\r\n\r\ndata: two\r\rdata: three\n\n"))
                .containsExactly("EVENT|null|one", "EVENT|null|two", "EVENT|null|three");
    }

    @Test
    void joinsMultiLineDataWithNewlines() throws IOException {
        assertThat(events("data: first\ndata: second\ndata:third\n\n")).containsExactly("EVENT|null|first\nsecond\nthird");
    }

    @Test
    void skipsCommentsAndKeepAlives() throws IOException {
        assertThat(events(": keep-alive\n\n: ping\ndata: x\n: inside\n\n:\n\n")).containsExactly("EVENT|null|x");
    }

    @Test
    void readsEventAndIdFieldsAndIgnoresRetryAndUnknownFields() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream(
                "retry: 100\nid: 7\nevent: error\nfoo: bar\ndata: {\"error\":\"x\"}\n\ndata: y\n\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next()).isTrue();
        assertThat(reader.eventType()).isEqualTo("error");
        assertThat(reader.lastEventId()).isEqualTo("7");
        assertThat(reader.dataText()).isEqualTo("{\"error\":\"x\"}");
        assertThat(reader.next()).isTrue();
        assertThat(reader.eventType()).isNull();
        assertThat(reader.lastEventId()).isEqualTo("7");
        assertThat(reader.next()).isFalse();
    }

    @Test
    void dispatchesAFinalEventWithoutATrailingBlankLine() throws IOException {
        assertThat(events("data: a\n\ndata: last\n")).containsExactly("EVENT|null|a", "EVENT|null|last");
        assertThat(events("data: a\r\n\r\ndata: last\r\n")).containsExactly("EVENT|null|a", "EVENT|null|last");
        assertThat(events("data: a\r\rdata: last\r")).containsExactly("EVENT|null|a", "EVENT|null|last");
    }

    @Test
    void discardsAnEventCutInTheMiddleOfALine() throws IOException {
        assertThat(events("data: a\n\ndata: {\"text\":\"hel")).containsExactly("EVENT|null|a");
        assertThat(events("data: a\n\ndata: one\ndata: tw")).containsExactly("EVENT|null|a");
        assertThat(events("data: a\n\ndata: last")).containsExactly("EVENT|null|a");
        assertThat(events("data: a\n\n{\"error\":")).containsExactly("EVENT|null|a");
        assertThat(events("data: a\n\nerror: {\"message\"")).containsExactly("EVENT|null|a");
        SseReader reader = new SseReader(new ByteArrayInputStream("data: {\"x\":".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next()).isFalse();
        assertThat(reader.next()).as("still at the end").isFalse();
    }

    @Test
    void skipsAByteOrderMarkAtTheStart() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "data: x\n\ndata: y\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] stream = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, stream, 0, bom.length);
        System.arraycopy(body, 0, stream, bom.length, body.length);
        for (int step = 1; step <= stream.length; step++) {
            assertThat(events(trickle(stream, step))).as("read %d bytes at a time", step)
                    .containsExactly("EVENT|null|x", "EVENT|null|y");
        }
        assertThat(events("\uFEFF{\"error\":\"x\"}\n")).containsExactly("BARE_JSON|null|{\"error\":\"x\"}");
        assertThat(events("\uFEFF\ndata: z\n\n")).containsExactly("EVENT|null|z");
    }

    @Test
    void keepsAByteOrderMarkThatIsNotAtTheStart() throws IOException {
        assertThat(events("data: \uFEFFx\n\n\uFEFFdata: y\n\ndata: z\n\n"))
                .containsExactly("EVENT|null|\uFEFFx", "EVENT|null|z");
        assertThat(events("\uFEFF\uFEFFdata: y\n\ndata: z\n\n")).as("only one mark is skipped").containsExactly("EVENT|null|z");
    }

    @Test
    void reportsLlamaCppErrorFieldLines() throws IOException {
        String error = "{\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}";
        assertThat(events("data: {\"ok\":1}\n\nerror: " + error + "\n\n"))
                .containsExactly("EVENT|null|{\"ok\":1}", "ERROR_LINE|null|" + error);
        assertThat(events("error:" + error + "\r\n\r\n")).containsExactly("ERROR_LINE|null|" + error);
        assertThat(events("errors: x\ndata: y\n\n")).as("another field name").containsExactly("EVENT|null|y");
    }

    @Test
    void reportsABareJsonLineAsAnErrorObject() throws IOException {
        assertThat(events("data: {\"ok\":1}\n\n{\"error\":{\"message\":\"overloaded\"}}\n"))
                .containsExactly("EVENT|null|{\"ok\":1}", "BARE_JSON|null|{\"error\":{\"message\":\"overloaded\"}}");
    }

    @Test
    void recognisesDone() throws IOException {
        SseReader reader = new SseReader(new ByteArrayInputStream("data: [DONE]\n\ndata: [DONE]x\n\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next()).isTrue();
        assertThat(reader.isDone()).isTrue();
        assertThat(reader.next()).isTrue();
        assertThat(reader.isDone()).isFalse();
    }

    @Test
    void anEventWithoutDataIsNotDispatched() throws IOException {
        assertThat(events("event: ping\n\nid: 3\n\ndata: real\n\n")).containsExactly("EVENT|null|real");
    }

    @Test
    void chunkBoundariesDoNotMatter() throws IOException {
        String stream = "data: {\"text\":\"h\u00e9llo \u2603 \uD83D\uDE00\"}\r\n\r\n: ka\r\n"
                + "event: x\ndata: multi\ndata: line\n\n{\"error\":1}\nerror: {\"message\":\"m\"}\r"
                + "data: [DONE]\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of(
                "EVENT|null|{\"text\":\"h\u00e9llo \u2603 \uD83D\uDE00\"}",
                "EVENT|x|multi\nline",
                "BARE_JSON|null|{\"error\":1}",
                "ERROR_LINE|null|{\"message\":\"m\"}",
                "EVENT|null|[DONE]");
        for (int step = 1; step <= bytes.length; step++) {
            assertThat(events(trickle(bytes, step))).as("read %d bytes at a time", step).isEqualTo(expected);
        }
    }

    @Test
    void keepsOnlyTheCurrentEvent() throws IOException {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            big.append("data: {\"i\":").append(i).append("}\n\n");
        }
        SseReader reader = new SseReader(new ByteArrayInputStream(big.toString().getBytes(StandardCharsets.UTF_8)));
        int count = 0;
        while (reader.next()) {
            assertThat(reader.dataText()).isEqualTo("{\"i\":" + count + "}");
            count++;
        }
        assertThat(count).isEqualTo(1000);
        assertThat(reader.data().length).isLessThanOrEqualTo(1024);
    }

    @Test
    void rejectsAnAbsurdlyLargeEvent() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        assertThatThrownBy(() -> new SseReader(endless).next())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exceeds");
    }
}
