package dev.llamakit.internal.wire;

import dev.llamakit.internal.ChunkedInput;
import static dev.llamakit.internal.wire.StreamDecoderPropertiesTest.cycle;
import static dev.llamakit.internal.wire.StreamDecoderPropertiesTest.junk;
import static dev.llamakit.internal.wire.StreamDecoderPropertiesTest.quote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.internal.sse.SseReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The fast paths cannot change what a stream means: generated streams, framed as SSE and read through an input
 * that returns random small reads (so multi-byte characters and escapes are split between reads), are decoded by
 * a decoder with its fast path and by one that reads every event with Jackson, and both must emit the same
 * events and fail with the same exception. The streams mix the chunk shapes real servers send (OpenAI, vLLM,
 * Ollama, llama.cpp; native events) with every JSON escape, supplementary characters, tool-call deltas, usage,
 * errors, unknown members, other member orders and whitespace, and bytes cut, inserted or replaced.
 */
class StreamDecoderDifferentialTest {
    private static final List<String> REASONS = List.of("stop", "tool_calls", "length", "content_filter", "eos");

    @Provide
    Arbitrary<List<String>> texts() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(2, Arbitraries.of((int) '"', (int) '\\', (int) '/', (int) '\n', (int) '\r', (int) '\t', 8, 12, 0, 0x1f, 0x7f)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7ff)),
                Tuple.of(1, Arbitraries.integers().between(0x800, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xD800, 0xDFFF)), // a lone surrogate, written escaped
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        Arbitrary<String> text = codePoint.list().ofMaxSize(8).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
        return text.list().ofMinSize(20).ofMaxSize(20);
    }

    // ---- OpenAI streams ----------------------------------------------------------------------------------------

    /** The servers whose chunk layouts the fast path is for. */
    private enum Server { OPENAI, VLLM, OLLAMA, LLAMA_CPP }

    private static String openAiChunk(Server server, Random r, String delta, String finish, String usage) {
        String choice = switch (server) {
            case OPENAI -> "{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}";
            case VLLM -> "{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish
                    + (finish.equals("null") ? "" : ",\"stop_reason\":" + (r.nextBoolean() ? "null" : "128009")) + "}";
            case OLLAMA -> "{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}";
            case LLAMA_CPP -> "{\"finish_reason\":" + finish + ",\"index\":0,\"delta\":" + delta + "}";
        };
        String choices = usage != null && r.nextBoolean() ? "[]" : "[" + choice + "]";
        return switch (server) {
            case OPENAI -> "{\"id\":\"chatcmpl-B9\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                    + "\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\","
                    + "\"choices\":" + choices + ",\"usage\":" + (usage == null ? "null" : usage) + "}";
            case VLLM -> "{\"id\":\"chatcmpl-7f\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                    + "\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":" + choices
                    + (usage == null ? "" : ",\"usage\":" + usage) + "}";
            case OLLAMA -> "{\"id\":\"chatcmpl-912\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
                    + "\"model\":\"llama3.2\",\"system_fingerprint\":\"fp_ollama\",\"choices\":" + choices
                    + (usage == null ? "" : ",\"usage\":" + usage) + "}";
            case LLAMA_CPP -> "{\"choices\":" + choices + ",\"created\":1741570283,\"id\":\"chatcmpl-xY\","
                    + "\"model\":\"gpt-3.5-turbo\",\"system_fingerprint\":\"b4877-2c9f833d\",\"object\":\"chat.completion.chunk\""
                    + (usage == null ? "" : ",\"usage\":" + usage
                    + ",\"timings\":{\"prompt_n\":12,\"predicted_per_second\":41.5}") + "}";
        };
    }

    private static String openAiContentDelta(Random r, String content) {
        return switch (r.nextInt(8)) {
            case 0 -> "{\"role\":\"assistant\",\"content\":" + content + "}";
            case 1 -> "{\"content\":" + content + ",\"role\":\"assistant\"}";
            case 2 -> "{\"role\":\"assistant\",\"content\":" + content + ",\"refusal\":null}";
            case 3 -> "{\"content\":" + content + ",\"reasoning_content\":null}";
            default -> "{\"content\":" + content + "}";
        };
    }

    private static String toolCallDelta(Random r, Iterator<String> texts, boolean first) {
        String function = first
                ? "{\"name\":" + quote("get_" + texts.next(), r) + ",\"arguments\":\"\"}"
                : "{\"arguments\":" + quote(texts.next(), r) + "}";
        String call = "{\"index\":" + r.nextInt(2) + (first ? ",\"id\":\"call_" + r.nextInt(9) + "\",\"type\":\"function\"" : "")
                + ",\"function\":" + function + "}";
        return "{" + (r.nextBoolean() ? "\"role\":\"assistant\",\"content\":null," : "") + "\"tool_calls\":[" + call + "]}";
    }

    static List<String> openAiStream(Random r, Iterator<String> texts) {
        Server server = Server.values()[r.nextInt(Server.values().length)];
        List<String> events = new ArrayList<>();
        events.add(openAiChunk(server, r, "{\"role\":\"assistant\",\"content\":\"\"}", "null", null));
        int count = 3 + r.nextInt(20);
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(20);
            String event;
            if (kind < 12) {
                event = openAiChunk(server, r, openAiContentDelta(r, content(r, texts)), "null", null);
            } else if (kind < 14) {
                event = openAiChunk(server, r, toolCallDelta(r, texts, r.nextBoolean()), "null", null);
            } else if (kind < 16) {
                event = StreamDecoderPropertiesTest.openAiChunk(r, texts, r.nextInt(20) == 0);
            } else if (kind < 17) {
                event = openAiChunk(server, r, "{}", quote(REASONS.get(r.nextInt(REASONS.size())), r), null);
            } else if (kind < 18) {
                event = openAiChunk(server, r, openAiContentDelta(r, content(r, texts)), "null", usage(r));
            } else {
                event = openAiChunk(server, r, openAiContentDelta(r, content(r, texts)), "null", null);
                event = r.nextInt(4) > 0 ? reshape(event, r) : mutate(event, r);
            }
            events.add(event);
        }
        if (r.nextBoolean()) {
            events.add(openAiChunk(server, r, "{}", quote(REASONS.get(r.nextInt(REASONS.size())), r), null));
        }
        if (r.nextBoolean()) {
            events.add(openAiChunk(server, r, "{}", "null", usage(r)));
        }
        if (r.nextInt(4) > 0) {
            events.add("[DONE]");
        }
        return events;
    }

    private static String content(Random r, Iterator<String> texts) {
        return switch (r.nextInt(12)) {
            case 0 -> "null";
            case 1 -> "\"\"";
            case 2 -> String.valueOf(r.nextInt(9));
            default -> quote(texts.next(), r);
        };
    }

    private static String usage(Random r) {
        return r.nextInt(5) == 0 ? "null" : "{\"prompt_tokens\":" + r.nextInt(99) + ",\"completion_tokens\":" + r.nextInt(99)
                + ",\"total_tokens\":" + r.nextInt(199) + "}";
    }

    // ---- native streams ----------------------------------------------------------------------------------------

    private static String nativeEvent(Random r, String type, String delta, String extra, boolean reorder) {
        String event = reorder
                ? "{\"delta\":" + delta + extra + ",\"event_type\":" + quote(type, r) + "}"
                : "{\"event_type\":" + quote(type, r) + ",\"delta\":" + delta + extra + "}";
        return reorder ? "{\"event\":" + event + ",\"id\":\"c1\"}" : "{\"id\":\"c1\",\"event\":" + event + "}";
    }

    private static String textDelta(Random r, String text) {
        return switch (r.nextInt(6)) {
            case 0 -> "{\"text\":" + text + ",\"type\":\"text\"}";
            case 1 -> "{\"type\":\"text\",\"text\":" + text + ",\"logprobs\":null}";
            default -> "{\"type\":\"text\",\"text\":" + text + "}";
        };
    }

    static List<String> nativeStream(Random r, Iterator<String> texts) {
        boolean reorder = r.nextInt(4) == 0;
        List<String> events = new ArrayList<>();
        events.add(nativeEvent(r, "start", textDelta(r, "\"\""), "", reorder));
        int count = 3 + r.nextInt(20);
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(20);
            String event;
            if (kind < 12) {
                event = nativeEvent(r, "progress", textDelta(r, content(r, texts)), "", reorder);
            } else if (kind < 14) {
                String function = r.nextBoolean() ? "{\"name\":\"get_weather\",\"arguments\":\"\"}"
                        : "{\"arguments\":" + quote(texts.next(), r) + "}";
                String delta = "{\"type\":\"tool_call\"" + (r.nextBoolean() ? ",\"id\":\"tc-" + r.nextInt(3) + "\"" : "")
                        + ",\"function\":" + function + "}";
                event = nativeEvent(r, "progress", delta, "", reorder);
            } else if (kind < 16) {
                event = StreamDecoderPropertiesTest.llamaChunk(r, texts, r.nextInt(20) == 0);
            } else if (kind < 17) {
                event = nativeEvent(r, r.nextBoolean() ? "complete" : "progress", textDelta(r, content(r, texts)),
                        ",\"stop_reason\":" + (r.nextInt(4) == 0 ? "null" : quote(REASONS.get(r.nextInt(REASONS.size())), r)), reorder);
            } else if (kind < 18) {
                event = nativeEvent(r, "metrics", textDelta(r, "\"\""), ",\"metrics\":" + (r.nextInt(4) == 0 ? "null"
                        : "[{\"metric\":\"num_total_tokens\",\"value\":" + r.nextInt(99) + ",\"unit\":\"tokens\"}]"), reorder);
            } else {
                event = nativeEvent(r, "progress", textDelta(r, content(r, texts)), "", reorder);
                event = r.nextInt(4) > 0 ? reshape(event, r) : mutate(event, r);
            }
            events.add(event);
        }
        return events;
    }

    // ---- changes to an event's text ---------------------------------------------------------------------------

    /** The same JSON in another layout: whitespace, an unknown member, an escaped name, a nested unknown value. */
    static String reshape(String json, Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> json.replace(",", r.nextBoolean() ? " , " : ",\n\t");
            case 1 -> json.replace(":", " :\r\n ");
            case 2 -> "{\"x_unknown\":" + junk(r, cycle(List.of("u\u00e9", "\\")), 0) + "," + json.substring(1);
            case 3 -> json.replaceFirst("\"content\"|\"text\"", r.nextBoolean() ? "\"cont\\u0065nt\"" : "\"te\\u0078t\"");
            case 4 -> json.replaceFirst("\"delta\"", "\"delta\":{},\"delta\"");
            case 5 -> json + (r.nextBoolean() ? " \t" : r.nextBoolean() ? "}" : " {\"id\":1}");
            default -> " " + json.replace("\"id\":", "\"id\" : ") + "\n";
        };
    }

    private static final String[] INSERTS = {"\"", "\\", "{", "}", "[", "]", ",", ":", " ", "x", "0", "-", "\u0001",
        "\u00e9", "\\u", "\\ud83d", "\\q", "nul", "1e", "01"};

    /** The JSON cut, or with a character inserted, removed or replaced: most often no longer valid. */
    static String mutate(String json, Random r) {
        int at = r.nextInt(json.length());
        return switch (r.nextInt(4)) {
            case 0 -> json.substring(0, at);
            case 1 -> json.substring(0, at) + INSERTS[r.nextInt(INSERTS.length)] + json.substring(at);
            case 2 -> json.substring(0, at) + json.substring(at + 1);
            default -> json.substring(0, at) + INSERTS[r.nextInt(INSERTS.length)] + json.substring(at + 1);
        };
    }

    /** Bytes that are not well-formed UTF-8 inside an event, some of which Jackson accepts. */
    private static final byte[][] BAD_UTF8 = {{(byte) 0xc3}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe0, (byte) 0x80, (byte) 0x80}, {(byte) 0x80},
        {(byte) 0xf0, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};

    /** The stream as SSE bytes; a newline inside an event's JSON becomes a second {@code data:} line. */
    static byte[] sse(List<String> events, Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String event : events) {
            byte[] json = event.getBytes(StandardCharsets.UTF_8);
            if (json.length > 0 && r.nextInt(100) == 0) {
                int at = r.nextInt(json.length);
                byte[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(json, 0, at);
                b.writeBytes(bad);
                b.write(json, at, json.length - at);
                json = b.toByteArray();
            }
            out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
            for (byte c : json) {
                if (c == '\n') {
                    out.writeBytes("\ndata: ".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(c);
                }
            }
            out.writeBytes((r.nextInt(5) == 0 ? "\r\n\r\n" : "\n\n").getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** Returns between 1 and {@code max} bytes per read. */
    static InputStream smallReads(byte[] bytes, long seed, int max) {
        return ChunkedInput.randomReads(bytes, seed, max);
    }

    /** What a decoder made of a stream: its events, and the exception that ended it (class and message). */
    record Outcome(List<ChatStreamEvent> events, String failure, boolean completed) {
    }

    /** Reads the stream as the client does (StreamEvents): [DONE] finishes, data that is not an object is skipped. */
    static Outcome decode(StreamDecoder decoder, InputStream in) throws IOException {
        SseReader reader = new SseReader(in);
        ArrayDeque<ChatStreamEvent> out = new ArrayDeque<>();
        String failure = null;
        try {
            while (reader.next()) {
                if (reader.kind() != SseReader.Kind.EVENT) {
                    continue;
                }
                if (reader.isDone()) {
                    decoder.finish(out);
                    break;
                }
                if (reader.dataLength() == 0 || reader.data()[0] != '{') {
                    continue;
                }
                decoder.decode(reader.data(), reader.dataLength(), out);
            }
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return new Outcome(new ArrayList<>(out), failure, decoder.completed());
    }

    private static void assertSameOutcome(Dialect dialect, List<String> events, long seed, int maxRead) throws IOException {
        Random r = new Random(seed);
        byte[] bytes = sse(events, r);
        StreamDecoder fast = StreamDecoder.forDialect(dialect);
        Outcome withFastPath = decode(fast, smallReads(bytes, seed, maxRead));
        Outcome jackson = decode(StreamDecoder.jacksonOnly(dialect), smallReads(bytes, ~seed, 64));
        assertThat(withFastPath).as("stream:\n%s", new String(bytes, StandardCharsets.UTF_8)).isEqualTo(jackson);
        Statistics.label("events read by the fast path").collect(fast.fastEvents() == 0 ? "none"
                : fast.fastEvents() * 2 >= events.size() ? "half or more" : "some");
        Statistics.label("ends in").collect(jackson.failure() == null ? "no failure" : jackson.failure().split(":")[0]);
    }

    @Property(tries = 2000)
    void openAiFastPathDecodesAsJackson(@ForAll long seed, @ForAll("texts") List<String> texts,
            @ForAll("maxReads") int maxRead) throws IOException {
        assertSameOutcome(Dialect.OPENAI, openAiStream(new Random(seed), cycle(texts)), seed, maxRead);
    }

    @Property(tries = 2000)
    void nativeFastPathDecodesAsJackson(@ForAll long seed, @ForAll("texts") List<String> texts,
            @ForAll("maxReads") int maxRead) throws IOException {
        assertSameOutcome(Dialect.LLAMA, nativeStream(new Random(seed), cycle(texts)), seed, maxRead);
    }

    @Provide
    Arbitrary<Integer> maxReads() {
        return Arbitraries.of(1, 2, 3, 5, 17, 300);
    }
}
