package dev.llamakit.internal.wire;

import dev.llamakit.chat.StopReason;
import java.nio.charset.StandardCharsets;

/**
 * Reads the common OpenAI chunk after the first one without a JSON tokenizer: one choice whose {@code delta} has
 * at most a {@code content} string (plus scalars such as {@code role}), a {@code finish_reason} that is null or a
 * string, {@code "usage": null}, {@code "error": null} and any other members with scalar values, in any order.
 * Anything else (tool calls, a usage object, an error, a second choice, nested unknown values, escaped names,
 * text the {@link JsonByteScanner} does not accept) is left to Jackson: {@link #scan} returns {@code false}
 * before anything was emitted.
 *
 * <p>The chunks of one reply usually differ only in their content string. After a chunk with a text delta and
 * nothing else, the bytes before and after its content string are kept; a chunk with the same bytes around
 * its content has the same meaning, and only the content string is read. Internal.
 */
final class OpenAiFastPath {
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] CONTENT = ascii("content");

    private final JsonByteScanner scanner = new JsonByteScanner();
    private final TextTemplate template = new TextTemplate();
    private final JsonByteScanner.MemberReader chunkMembers = this::chunkMember;
    private final JsonByteScanner.MemberReader choiceMembers = this::choiceMember;
    private final JsonByteScanner.MemberReader deltaMembers = this::deltaMember;

    /** The text of the chunk read last by {@link #scan}, or {@code null}. */
    String text;
    /** The finish reason of the chunk read last by {@link #scan}, or {@code null}. */
    StopReason finish;

    private int contents;
    private int contentStart;
    private int contentEnd;

    /** Reads one chunk into {@link #text} and {@link #finish}; {@code false} when Jackson must read it. */
    boolean scan(byte[] data, int length) {
        scanner.reset(data, length);
        text = null;
        finish = null;
        String fromTemplate = template.text(scanner);
        if (fromTemplate != null) {
            text = fromTemplate;
            return true;
        }
        contents = 0;
        contentStart = -1;
        int p = scanner.skipWhitespace(0);
        int end = chunk(p);
        if (end == JsonByteScanner.NO || scanner.skipWhitespace(end) != length) {
            return false;
        }
        if (contents == 1 && finish == null) {
            template.remember(scanner, contentStart, contentEnd);
        }
        if (contents == 1) {
            text = scanner.string(contentStart, contentEnd);
        }
        return true;
    }

    private int chunk(int p) {
        return scanner.object(p, chunkMembers);
    }

    private int chunkMember(int m, int nameEnd, int v) {
        int valueEnd;
        if (scanner.nameIs(m, nameEnd, CHOICES)) {
            valueEnd = choices(v);
        } else if (scanner.nameIs(m, nameEnd, ERROR) || scanner.nameIs(m, nameEnd, USAGE)) {
            valueEnd = scanner.nullEnd(v); // an error or a usage object is Jackson's
        } else {
            valueEnd = scanner.scalarEnd(v); // id, model, object, created, system_fingerprint, ...
        }
        return valueEnd; // NO ends the object: Jackson's
    }

    /** {@code []} or {@code [ {one choice} ]}. */
    private int choices(int p) {
        if (scanner.at(p) != '[') {
            return JsonByteScanner.NO;
        }
        p = scanner.skipWhitespace(p + 1);
        if (scanner.at(p) == ']') {
            return p + 1;
        }
        p = choice(p);
        if (p == JsonByteScanner.NO) {
            return JsonByteScanner.NO;
        }
        p = scanner.skipWhitespace(p);
        return scanner.at(p) == ']' ? p + 1 : JsonByteScanner.NO;
    }

    private int choice(int p) {
        return scanner.object(p, choiceMembers);
    }

    private int choiceMember(int m, int nameEnd, int v) {
        int valueEnd;
        if (scanner.nameIs(m, nameEnd, DELTA) && scanner.at(v) == '{') {
            valueEnd = delta(v);
        } else if (scanner.nameIs(m, nameEnd, FINISH_REASON)) {
            valueEnd = scanner.scalarEnd(v);
            // as Jackson's decoder: every finish_reason member sets it, a non-string one to null
            finish = valueEnd != JsonByteScanner.NO && scanner.at(v) == '"'
                    ? StopReason.fromWire(scanner.string(v, valueEnd)) : null;
        } else {
            valueEnd = scanner.scalarEnd(v); // index, logprobs: null, stop_reason, ...
        }
        return valueEnd; // NO ends the object: Jackson's
    }

    private int delta(int p) {
        int end = scanner.object(p, deltaMembers);
        return end != JsonByteScanner.NO && contents > 1 ? JsonByteScanner.NO : end;
    }

    private int deltaMember(int m, int nameEnd, int v) {
        int valueEnd = scanner.scalarEnd(v); // role, refusal, reasoning_content, tool_calls: null, ...
        if (valueEnd == JsonByteScanner.NO) {
            return JsonByteScanner.NO; // nested values, among them tool calls, are Jackson's
        }
        if (scanner.nameIs(m, nameEnd, CONTENT) && scanner.at(v) == '"') {
            contents++;
            contentStart = v;
            contentEnd = valueEnd;
        }
        return valueEnd;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
