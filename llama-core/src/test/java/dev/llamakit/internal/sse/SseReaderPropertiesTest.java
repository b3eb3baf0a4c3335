package dev.llamakit.internal.sse;

import dev.llamakit.internal.ChunkedInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of {@link SseReader}: a generated model of a stream (events, comments, keep-alives, bare JSON and
 * {@code error:} lines) is serialised with mixed line ends, optionally behind a byte order mark and cut at the
 * end, read back through random-sized reads, and compared with what the model says must come out.
 */
class SseReaderPropertiesTest {

    /** One line of a block, without its terminator. */
    private record Line(String text) {
    }

    /**
     * A group of lines and what the reader must report for it: {@code kind} null for blocks that dispatch
     * nothing. {@code lastId} is the id that the model has seen when the block ends, filled in when serialising.
     */
    private record Block(List<Line> lines, String kind, String type, String data, boolean endsWithBlankLine,
                         String idSet) {
    }

    private record Model(List<Block> blocks, boolean bom, boolean dropLastBlankLine, String cut, long layoutSeed) {
    }

    // ---- generators -------------------------------------------------------------------------------------------

    /** Any Unicode scalar value except CR and LF (which cannot occur inside a line). */
    private static Arbitrary<String> lineText() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0x20, 0x7e)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of((int) ':', (int) ' ', (int) '{', (int) '}', (int) '"', 0xFEFF, 0, 9)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoint.filter(c -> c != '\r' && c != '\n').list().ofMaxSize(12).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    /** {@code name: value} as a server could write it: with or without the optional space after the colon. */
    private static Arbitrary<String> fieldLine(String name) {
        return Combinators.combine(lineText(), Arbitraries.integers().between(0, 2)).as((v, style) -> {
            if (style == 0 || v.startsWith(" ")) {
                return name + ": " + v;
            }
            if (style == 1 && v.isEmpty()) {
                return name; // a field without a colon has the empty value
            }
            return name + ":" + v;
        });
    }

    /** The value the reader must extract from a line made by {@link #fieldLine}. */
    private static String valueOf(String line, String name) {
        if (line.length() == name.length()) {
            return "";
        }
        String v = line.substring(name.length() + 1);
        return v.startsWith(" ") ? v.substring(1) : v;
    }

    private static Arbitrary<String> comment() {
        return lineText().map(t -> ":" + t);
    }

    private static Arbitrary<String> unknownField() {
        return Arbitraries.of("retry", "foo", "dat", "datas", "Data", "events", "ids", "errors", "x-y")
                .flatMap(SseReaderPropertiesTest::fieldLine);
    }

    private static Arbitrary<Block> eventBlock() {
        Arbitrary<List<String>> data = fieldLine("data").list().ofMinSize(1).ofMaxSize(4);
        Arbitrary<List<String>> extras = Arbitraries.oneOf(fieldLine("event"), fieldLine("id"), comment(), unknownField())
                .list().ofMaxSize(4);
        return Combinators.combine(data, extras, Arbitraries.longs()).as((dataLines, extraLines, seed) -> {
            // data lines keep their order; the other lines go anywhere between them
            List<String> lines = new ArrayList<>(dataLines);
            Random random = new Random(seed);
            for (String extra : extraLines) {
                lines.add(random.nextInt(lines.size() + 1), extra);
            }
            return block(lines, true);
        });
    }

    private static Arbitrary<Block> datalessBlock() {
        return Arbitraries.oneOf(fieldLine("event"), fieldLine("id"), comment(), unknownField())
                .list().ofMinSize(1).ofMaxSize(3).map(lines -> block(lines, true));
    }

    private static Arbitrary<Block> commentsAndKeepAlives() {
        return Arbitraries.oneOf(comment(), Arbitraries.just(""), Arbitraries.just(": keep-alive"))
                .list().ofMinSize(1).ofMaxSize(3).map(lines -> block(lines, false));
    }

    private static Arbitrary<Block> bareJson() {
        return lineText().map(t -> new Block(List.of(new Line("{" + t)), "BARE_JSON", null, "{" + t, false, null));
    }

    private static Arbitrary<Block> errorLine() {
        return fieldLine("error").map(l -> new Block(List.of(new Line(l)), "ERROR_LINE", null, valueOf(l, "error"), false, null));
    }

    /** The model's reading of one block of field lines, written straight from the SSE specification. */
    private static Block block(List<String> lines, boolean blankLineAfter) {
        List<Line> out = new ArrayList<>();
        StringBuilder data = null;
        String type = null;
        String id = null;
        for (String l : lines) {
            out.add(new Line(l));
            if (l.equals("data") || l.startsWith("data:")) {
                data = data == null ? new StringBuilder() : data.append('\n');
                data.append(valueOf(l, "data"));
            } else if (l.equals("event") || l.startsWith("event:")) {
                type = valueOf(l, "event");
            } else if (l.equals("id") || l.startsWith("id:")) {
                id = valueOf(l, "id");
            }
        }
        if (blankLineAfter) {
            out.add(new Line(""));
        }
        return data == null ? new Block(out, null, null, null, blankLineAfter, id)
                : new Block(out, "EVENT", type, data.toString(), blankLineAfter, id);
    }

    @Provide
    Arbitrary<Model> streams() {
        Arbitrary<Block> blocks = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, eventBlock()),
                net.jqwik.api.Tuple.of(1, datalessBlock()),
                net.jqwik.api.Tuple.of(2, commentsAndKeepAlives()),
                net.jqwik.api.Tuple.of(1, bareJson()),
                net.jqwik.api.Tuple.of(1, errorLine()));
        Arbitrary<String> cut = Arbitraries.oneOf(Arbitraries.just(""), lineText().filter(t -> !t.isEmpty()));
        return Combinators.combine(blocks.list().ofMaxSize(8), Arbitraries.of(true, false), Arbitraries.of(true, false),
                cut, Arbitraries.longs()).as(Model::new);
    }

    // ---- serialisation and expectation ------------------------------------------------------------------------

    private static byte[] serialise(Model m) {
        Random random = new Random(m.layoutSeed());
        StringBuilder sb = new StringBuilder();
        String previousEnd = "\n";
        List<Line> all = new ArrayList<>();
        for (int b = 0; b < m.blocks().size(); b++) {
            Block block = m.blocks().get(b);
            List<Line> lines = block.lines();
            boolean last = b == m.blocks().size() - 1;
            if (last && m.dropLastBlankLine() && block.endsWithBlankLine()) {
                lines = lines.subList(0, lines.size() - 1);
            }
            all.addAll(lines);
        }
        for (Line line : all) {
            String end = switch (random.nextInt(3)) {
                case 0 -> "\n";
                case 1 -> "\r";
                default -> "\r\n";
            };
            if (line.text().isEmpty() && previousEnd.equals("\r") && end.equals("\n")) {
                end = "\r\n"; // CR then LF would be one line end, swallowing this blank line
            }
            sb.append(line.text()).append(end);
            previousEnd = end;
        }
        sb.append(m.cut());
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (!m.bom()) {
            return body;
        }
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        return withBom;
    }

    /** What the model says must come out, as "kind|type|lastId|data". */
    private static List<String> expected(Model m) {
        List<String> out = new ArrayList<>();
        String lastId = null;
        for (int b = 0; b < m.blocks().size(); b++) {
            Block block = m.blocks().get(b);
            boolean last = b == m.blocks().size() - 1;
            if (block.idSet() != null) {
                lastId = block.idSet();
            }
            if (block.kind() == null) {
                continue;
            }
            boolean unfinished = last && block.kind().equals("EVENT") && m.dropLastBlankLine() && !m.cut().isEmpty();
            if (!unfinished) {
                out.add(block.kind() + "|" + block.type() + "|" + lastId + "|" + block.data());
            }
        }
        return out;
    }

    private static List<String> read(InputStream in, int bufferSize) throws IOException {
        SseReader reader = new SseReader(in, bufferSize);
        List<String> out = new ArrayList<>();
        while (reader.next()) {
            out.add(reader.kind() + "|" + reader.eventType() + "|" + reader.lastEventId() + "|" + reader.dataText());
        }
        return out;
    }

    /** Returns between 1 and {@code max} bytes per read, chosen at random. */
    private static InputStream randomReads(byte[] bytes, long seed, int max) {
        return ChunkedInput.randomReads(bytes, seed, max);
    }

    // ---- properties -------------------------------------------------------------------------------------------

    @Property(tries = 400)
    void readsExactlyTheModelledEventsWhateverTheReadSizes(@ForAll("streams") Model model, @ForAll long readSeed,
            @ForAll("maxReads") int maxRead, @ForAll("bufferSizes") int bufferSize) throws IOException {
        byte[] bytes = serialise(model);
        assertThat(read(randomReads(bytes, readSeed, maxRead), bufferSize))
                .as("stream %s", new String(bytes, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n"))
                .isEqualTo(expected(model));
    }

    @Provide
    Arbitrary<Integer> maxReads() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(5, 300));
    }

    @Provide
    Arbitrary<Integer> bufferSizes() {
        return Arbitraries.of(1, 2, 3, 7, 16, 8192);
    }

    @Property(tries = 300)
    void arbitraryBytesEndTheStreamOrFailWithAnIoException(@ForAll("noise") byte[] bytes, @ForAll long readSeed) {
        try {
            SseReader reader = new SseReader(randomReads(bytes, readSeed, 1 + bytes.length % 17), 8);
            int events = 0;
            while (reader.next()) {
                events++;
                assertThat(events).as("at most one event per byte").isLessThanOrEqualTo(bytes.length);
                reader.dataText();
                reader.isDone();
            }
            assertThat(reader.next()).as("stays at the end").isFalse();
            assertThat(reader.bytesRead()).isEqualTo(bytes.length);
        } catch (IOException e) {
            // the reader's only checked failure
        }
    }

    @Provide
    Arbitrary<byte[]> noise() {
        byte[] alphabet = "data:event:id:error:retry: {}[DONE]\r\n\r\n\n\r::".getBytes(StandardCharsets.UTF_8);
        Arbitrary<Byte> sseish = Arbitraries.integers().between(0, alphabet.length - 1).map(i -> alphabet[i]);
        Arbitrary<Byte> any = Arbitraries.bytes();
        Arbitrary<Byte> bom = Arbitraries.of((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, sseish), net.jqwik.api.Tuple.of(3, any),
                net.jqwik.api.Tuple.of(1, bom)).list().ofMaxSize(200).map(list -> {
                    byte[] bytes = new byte[list.size()];
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = list.get(i);
                    }
                    return bytes;
                });
    }
}
