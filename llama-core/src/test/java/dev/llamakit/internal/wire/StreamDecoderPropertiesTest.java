package dev.llamakit.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.error.StreamErrorException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of both stream decoders: generated chunks (every JSON escape, surrogate pairs, tool-call fragments,
 * usage and metrics, finish reasons, unknown fields, any field order, {@code "error": null}) are decoded, and the
 * events are compared with a reference that reads the same bytes with {@link ObjectMapper#readTree} and maps
 * the tree to events by the wire format's rules, written here independently of the decoders.
 */
class StreamDecoderPropertiesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> REASONS = List.of("stop", "tool_calls", "length", "content_filter",
            "function_call", "end_of_turn", "out_of_tokens", "eos_token");

    // ---- text with every JSON escape ---------------------------------------------------------------------------

    @Provide
    Arbitrary<List<String>> texts() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(2, Arbitraries.of((int) '"', (int) '\\', (int) '/', (int) '\n', (int) '\r', (int) '\t', 8, 12, 0, 0x1f, 0x7f)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        Arbitrary<String> text = codePoint.list().ofMaxSize(10).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
        return text.list().ofMinSize(40).ofMaxSize(40);
    }

    /** A JSON string literal for {@code s}, each character (or surrogate pair) written raw or escaped at random. */
    static String quote(String s, Random r) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean mustEscape = c == '"' || c == '\\' || c < 0x20;
            if (pair) {
                if (r.nextInt(3) == 0) {
                    sb.append(unicodeEscape(c, r)).append(unicodeEscape(s.charAt(i + 1), r));
                } else {
                    sb.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (mustEscape || r.nextInt(6) == 0) {
                String shortEscape = switch (c) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '/' -> "\\/";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> null;
                };
                sb.append(shortEscape != null && r.nextBoolean() ? shortEscape : unicodeEscape(c, r));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String unicodeEscape(char c, Random r) {
        String hex = String.format("%04x", (int) c);
        return "\\u" + (r.nextBoolean() ? hex : hex.toUpperCase());
    }

    /** An object with its members in random order and random whitespace. */
    static String object(Random r, Map<String, String> members) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(members.entrySet());
        Collections.shuffle(entries, r);
        StringBuilder sb = new StringBuilder("{").append(space(r));
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                sb.append(',').append(space(r));
            }
            sb.append(quote(entries.get(i).getKey(), r)).append(space(r)).append(':').append(space(r))
                    .append(entries.get(i).getValue());
        }
        return sb.append(space(r)).append('}').toString();
    }

    static String array(Random r, List<String> values) {
        return "[" + space(r) + String.join("," + space(r), values) + space(r) + "]";
    }

    private static String space(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\t";
            default -> "";
        };
    }

    /** Some JSON value the decoders must skip. */
    static String junk(Random r, Iterator<String> texts, int depth) {
        return switch (depth > 2 ? r.nextInt(4) : r.nextInt(6)) {
            case 0 -> "null";
            case 1 -> String.valueOf(r.nextInt(2000) - 1000) + (r.nextBoolean() ? ".5e1" : "");
            case 2 -> r.nextBoolean() ? "true" : "false";
            case 3 -> quote(texts.next(), r);
            case 4 -> array(r, List.of(junk(r, texts, depth + 1), junk(r, texts, depth + 1)));
            default -> object(r, Map.of("a", junk(r, texts, depth + 1), "error", junk(r, texts, depth + 1)));
        };
    }

    static Iterator<String> cycle(List<String> texts) {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public String next() {
                return texts.get(i++ % texts.size());
            }
        };
    }

    // ---- OpenAI chunks ---------------------------------------------------------------------------------------

    static String openAiChunk(Random r, Iterator<String> texts, boolean error) {
        Map<String, String> chunk = new LinkedHashMap<>();
        if (r.nextInt(5) > 0) {
            chunk.put("id", r.nextInt(6) == 0 ? "null" : quote("chatcmpl-" + texts.next(), r));
        }
        if (r.nextBoolean()) {
            chunk.put("model", quote(texts.next(), r));
        }
        if (r.nextBoolean()) {
            chunk.put("object", quote("chat.completion.chunk", r));
            chunk.put("created", String.valueOf(1_700_000_000 + r.nextInt(1000)));
        }
        if (r.nextInt(3) == 0) {
            chunk.put("error", "null");
        }
        if (r.nextInt(4) == 0) {
            chunk.put("system_fingerprint", junk(r, texts, 0));
        }
        List<String> choices = new ArrayList<>();
        int choiceCount = r.nextInt(6) == 0 ? 0 : r.nextInt(5) == 0 ? 2 : 1;
        for (int c = 0; c < choiceCount; c++) {
            Map<String, String> choice = new LinkedHashMap<>();
            choice.put("index", String.valueOf(c));
            Map<String, String> delta = new LinkedHashMap<>();
            if (r.nextBoolean()) {
                delta.put("role", quote("assistant", r));
            }
            switch (r.nextInt(4)) {
                case 0 -> delta.put("content", "null");
                case 1, 2 -> delta.put("content", quote(texts.next(), r));
                default -> { }
            }
            if (r.nextInt(3) == 0) {
                List<String> calls = new ArrayList<>();
                for (int t = r.nextInt(3); t >= 0; t--) {
                    Map<String, String> call = new LinkedHashMap<>();
                    if (r.nextInt(5) > 0) {
                        call.put("index", String.valueOf(r.nextInt(3)));
                    }
                    if (r.nextBoolean()) {
                        call.put("id", quote("call_" + r.nextInt(3), r));
                        call.put("type", quote("function", r));
                    }
                    Map<String, String> function = new LinkedHashMap<>();
                    if (r.nextBoolean()) {
                        function.put("name", r.nextInt(6) == 0 ? "null" : quote(texts.next(), r));
                    }
                    if (r.nextInt(4) > 0) {
                        function.put("arguments", r.nextInt(8) == 0 ? "null" : quote(texts.next(), r));
                    }
                    call.put("function", object(r, function));
                    calls.add(object(r, call));
                }
                delta.put("tool_calls", array(r, calls));
            }
            if (r.nextInt(4) == 0) {
                delta.put("reasoning_content", junk(r, texts, 0));
            }
            choice.put("delta", object(r, delta));
            choice.put("finish_reason", r.nextInt(4) == 0 ? quote(REASONS.get(r.nextInt(REASONS.size())), r) : "null");
            if (r.nextBoolean()) {
                choice.put("logprobs", junk(r, texts, 0));
            }
            choices.add(object(r, choice));
        }
        if (choiceCount > 0 || r.nextBoolean()) {
            chunk.put("choices", array(r, choices));
        }
        if (r.nextInt(4) == 0) {
            Map<String, String> usage = new LinkedHashMap<>();
            if (r.nextInt(5) > 0) {
                usage.put("prompt_tokens", String.valueOf(r.nextInt(5000)));
                usage.put("completion_tokens", String.valueOf(r.nextInt(5000)));
                if (r.nextBoolean()) {
                    usage.put("total_tokens", String.valueOf(r.nextInt(10000)) + (r.nextBoolean() ? ".0" : ""));
                }
            }
            if (r.nextBoolean()) {
                usage.put("prompt_tokens_details", object(r, Map.of("cached_tokens", String.valueOf(r.nextInt(9)))));
            }
            chunk.put("usage", r.nextInt(8) == 0 ? "null" : object(r, usage));
        }
        if (r.nextInt(3) == 0) {
            chunk.put("x_unknown", junk(r, texts, 0));
        }
        if (error) {
            chunk.put("error", object(r, Map.of("message", quote(texts.next(), r), "type", quote("server_error", r),
                    "code", "500")));
        }
        return object(r, chunk);
    }

    /** The reference: the OpenAI chunk rules applied to a tree. */
    static final class OpenAiReference {
        boolean started;
        boolean completed;
        boolean sawToolCall;

        /** The events of one chunk; {@code null} when the chunk is an error. */
        List<ChatStreamEvent> events(JsonNode chunk) {
            if (chunk.has("error") && !chunk.get("error").isNull()) {
                return null;
            }
            List<ChatStreamEvent> out = new ArrayList<>();
            if (!started) {
                started = true;
                out.add(new ChatStreamEvent.Start(textOrNull(chunk.get("id")), textOrNull(chunk.get("model"))));
            }
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            int position = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = delta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("content") && field.getValue().isTextual() && !field.getValue().asText().isEmpty()) {
                    out.add(new ChatStreamEvent.TextDelta(field.getValue().asText()));
                } else if (field.getKey().equals("tool_calls")) {
                    for (JsonNode call : field.getValue()) {
                        int index = call.path("index").isNumber() ? call.get("index").asInt() : position;
                        position++;
                        String arguments = textOrNull(call.path("function").get("arguments"));
                        out.add(new ChatStreamEvent.ToolCallDelta(index, textOrNull(call.get("id")),
                                textOrNull(call.path("function").get("name")), arguments == null ? "" : arguments));
                        sawToolCall = true;
                    }
                }
            }
            String finish = textOrNull(choice.get("finish_reason"));
            if (finish != null && !completed) {
                completed = true;
                out.add(new ChatStreamEvent.Complete(reason(finish)));
            }
            JsonNode usage = chunk.get("usage");
            if (usage != null && usage.isObject()) {
                Map<String, Double> numbers = new LinkedHashMap<>();
                usage.fields().forEachRemaining(f -> {
                    if (f.getValue().isNumber()) {
                        numbers.put(f.getKey(), f.getValue().asDouble());
                    }
                });
                if (!numbers.isEmpty()) {
                    Usage u = null;
                    if (numbers.containsKey("prompt_tokens")) {
                        long p = Math.round(numbers.get("prompt_tokens"));
                        long c = Math.round(numbers.get("completion_tokens"));
                        u = new Usage(p, c, numbers.containsKey("total_tokens") ? Math.round(numbers.get("total_tokens")) : p + c);
                    }
                    out.add(new ChatStreamEvent.Metrics(u, numbers));
                }
            }
            return out;
        }

        List<ChatStreamEvent> done() {
            List<ChatStreamEvent> out = new ArrayList<>();
            if (!started) {
                out.add(new ChatStreamEvent.Start(null, null));
            }
            if (!completed) {
                out.add(new ChatStreamEvent.Complete(sawToolCall ? StopReason.TOOL_CALLS : StopReason.STOP));
            }
            return out;
        }
    }

    // ---- native chunks ---------------------------------------------------------------------------------------

    static String llamaChunk(Random r, Iterator<String> texts, boolean error) {
        Map<String, String> chunk = new LinkedHashMap<>();
        if (r.nextInt(4) > 0) {
            chunk.put("id", quote("c-" + texts.next(), r));
        }
        if (r.nextInt(3) == 0) {
            chunk.put("error", "null");
        }
        Map<String, String> event = new LinkedHashMap<>();
        String type = List.of("start", "progress", "progress", "progress", "complete", "metrics").get(r.nextInt(6));
        event.put("event_type", quote(type, r));
        Map<String, String> delta = new LinkedHashMap<>();
        if (r.nextInt(3) == 0) {
            delta.put("type", quote("tool_call", r));
            if (r.nextInt(3) == 0) {
                delta.put("id", quote("tc-" + r.nextInt(3), r));
            }
            Map<String, String> function = new LinkedHashMap<>();
            if (r.nextInt(3) == 0) {
                function.put("name", quote(texts.next(), r));
            }
            switch (r.nextInt(6)) {
                case 0 -> function.put("arguments", "null");
                case 1 -> function.put("arguments", object(r, Map.of("location", quote(texts.next(), r), "n", "1.5")));
                case 2 -> { }
                default -> function.put("arguments", quote(texts.next(), r));
            }
            delta.put("function", object(r, function));
        } else {
            delta.put("type", quote("text", r));
            delta.put("text", r.nextInt(8) == 0 ? "null" : quote(texts.next(), r));
        }
        if (r.nextInt(4) == 0) {
            delta.put("x_unknown", junk(r, texts, 0));
        }
        event.put("delta", object(r, delta));
        if (type.equals("complete") || r.nextInt(8) == 0) {
            event.put("stop_reason", r.nextInt(6) == 0 ? "null" : quote(REASONS.get(r.nextInt(REASONS.size())), r));
        }
        if (type.equals("metrics") || r.nextInt(10) == 0) {
            List<String> metrics = new ArrayList<>();
            for (String name : List.of("num_completion_tokens", "num_prompt_tokens", "num_total_tokens", "time_to_first_token_ms")) {
                if (r.nextInt(4) > 0) {
                    Map<String, String> metric = new LinkedHashMap<>();
                    metric.put("metric", quote(name, r));
                    metric.put("value", r.nextBoolean() ? String.valueOf(r.nextInt(3000)) : r.nextInt(3000) + ".25");
                    metric.put("unit", quote("tokens", r));
                    metrics.add(object(r, metric));
                }
            }
            if (r.nextInt(5) == 0) {
                metrics.add(object(r, Map.of("metric", quote("broken", r), "value", "null")));
            }
            event.put("metrics", array(r, metrics));
        }
        chunk.put("event", object(r, event));
        if (r.nextInt(3) == 0) {
            chunk.put("x_unknown", junk(r, texts, 0));
        }
        if (error) {
            chunk.put("error", r.nextBoolean() ? quote(texts.next(), r)
                    : object(r, Map.of("message", quote(texts.next(), r), "code", "503")));
        }
        return object(r, chunk);
    }

    /** The reference: the native event rules applied to a tree. */
    static final class LlamaReference {
        boolean started;
        boolean completed;
        boolean sawToolCall;
        StopReason stopReason;
        int toolIndex = -1;
        String toolId;

        List<ChatStreamEvent> events(JsonNode chunk) {
            if (chunk.has("error") && !chunk.get("error").isNull()) {
                return null;
            }
            List<ChatStreamEvent> out = new ArrayList<>();
            if (!started) {
                started = true;
                out.add(new ChatStreamEvent.Start(textOrNull(chunk.get("id")), null));
            }
            JsonNode event = chunk.path("event");
            String reason = textOrNull(event.get("stop_reason"));
            if (reason != null) {
                stopReason = reason(reason);
            }
            JsonNode delta = event.path("delta");
            if ("tool_call".equals(textOrNull(delta.get("type")))) {
                String id = textOrNull(delta.get("id"));
                if (toolIndex < 0 || id != null && !id.equals(toolId)) {
                    toolIndex++;
                    toolId = id;
                }
                JsonNode arguments = delta.path("function").get("arguments");
                String args = arguments == null || arguments.isNull() ? "" : arguments.isTextual() ? arguments.asText() : arguments.toString();
                out.add(new ChatStreamEvent.ToolCallDelta(toolIndex, id, textOrNull(delta.path("function").get("name")), args));
                sawToolCall = true;
            } else {
                String text = textOrNull(delta.get("text"));
                if (text != null && !text.isEmpty()) {
                    out.add(new ChatStreamEvent.TextDelta(text));
                }
            }
            if ("complete".equals(textOrNull(event.get("event_type"))) && !completed) {
                completed = true;
                out.add(new ChatStreamEvent.Complete(stopReason != null ? stopReason
                        : sawToolCall ? StopReason.TOOL_CALLS : StopReason.STOP));
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (JsonNode m : event.path("metrics")) {
                if (m.path("metric").isTextual() && m.path("value").isNumber()) {
                    metrics.put(m.get("metric").asText(), m.get("value").asDouble());
                }
            }
            if (!metrics.isEmpty()) {
                Double p = metrics.get("num_prompt_tokens");
                Double c = metrics.get("num_completion_tokens");
                Double t = metrics.get("num_total_tokens");
                Usage u = null;
                if (p != null || c != null || t != null) {
                    long pp = p == null ? 0 : Math.round(p);
                    long cc = c == null ? 0 : Math.round(c);
                    u = new Usage(pp, cc, t == null ? pp + cc : Math.round(t));
                }
                out.add(new ChatStreamEvent.Metrics(u, metrics));
            }
            return out;
        }
    }

    static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.asText() : null;
    }

    static StopReason reason(String wire) {
        return switch (wire) {
            case "stop", "end_of_turn" -> StopReason.STOP;
            case "tool_calls", "function_call" -> StopReason.TOOL_CALLS;
            case "length", "out_of_tokens" -> StopReason.LENGTH;
            case "content_filter" -> StopReason.CONTENT_FILTER;
            default -> StopReason.OTHER;
        };
    }

    // ---- properties -------------------------------------------------------------------------------------------

    /** Feeds each chunk as the SSE reader would: in a reused buffer with stale bytes after the data. */
    private static byte[] load(byte[] buffer, byte[] chunk) {
        byte[] b = buffer.length >= chunk.length ? buffer : Arrays.copyOf(buffer, chunk.length * 2);
        Arrays.fill(b, (byte) '}');
        System.arraycopy(chunk, 0, b, 0, chunk.length);
        return b;
    }

    @Property(tries = 300)
    void openAiChunksDecodeAsTheTreeSays(@ForAll long seed, @ForAll("texts") List<String> texts,
            @ForAll("chunkCounts") int chunks, @ForAll boolean endsInError) throws Exception {
        Random r = new Random(seed);
        Iterator<String> source = cycle(texts);
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.OPENAI);
        OpenAiReference reference = new OpenAiReference();
        byte[] buffer = new byte[16];
        for (int i = 0; i < chunks; i++) {
            boolean error = endsInError && i == chunks - 1;
            String json = openAiChunk(r, source, error);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            List<ChatStreamEvent> expected = reference.events(MAPPER.readTree(bytes));
            buffer = load(buffer, bytes);
            ArrayDeque<ChatStreamEvent> out = new ArrayDeque<>();
            if (expected == null) {
                String message = MAPPER.readTree(bytes).get("error").path("message").asText();
                byte[] data = buffer;
                assertThatThrownBy(() -> decoder.decode(data, bytes.length, out)).as(json)
                        .isInstanceOf(StreamErrorException.class).hasMessageContaining(message);
                return;
            }
            decoder.decode(buffer, bytes.length, out);
            assertThat(new ArrayList<>(out)).as(json).isEqualTo(expected);
        }
        ArrayDeque<ChatStreamEvent> out = new ArrayDeque<>();
        decoder.finish(out);
        assertThat(new ArrayList<>(out)).isEqualTo(reference.done());
    }

    @Property(tries = 300)
    void nativeChunksDecodeAsTheTreeSays(@ForAll long seed, @ForAll("texts") List<String> texts,
            @ForAll("chunkCounts") int chunks, @ForAll boolean endsInError) throws Exception {
        Random r = new Random(seed);
        Iterator<String> source = cycle(texts);
        StreamDecoder decoder = StreamDecoder.forDialect(Dialect.LLAMA);
        LlamaReference reference = new LlamaReference();
        byte[] buffer = new byte[16];
        for (int i = 0; i < chunks; i++) {
            boolean error = endsInError && i == chunks - 1;
            String json = llamaChunk(r, source, error);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            JsonNode tree = MAPPER.readTree(bytes);
            List<ChatStreamEvent> expected = reference.events(tree);
            buffer = load(buffer, bytes);
            ArrayDeque<ChatStreamEvent> out = new ArrayDeque<>();
            if (expected == null) {
                JsonNode e = tree.get("error");
                String message = e.isTextual() ? e.asText() : e.path("message").asText();
                byte[] data = buffer;
                assertThatThrownBy(() -> decoder.decode(data, bytes.length, out)).as(json)
                        .isInstanceOf(StreamErrorException.class).hasMessageContaining(message);
                return;
            }
            decoder.decode(buffer, bytes.length, out);
            assertThat(new ArrayList<>(out)).as(json).isEqualTo(expected);
            assertThat(decoder.completed()).isEqualTo(reference.completed);
        }
    }

    @Provide
    Arbitrary<Integer> chunkCounts() {
        return Arbitraries.integers().between(1, 12);
    }
}
