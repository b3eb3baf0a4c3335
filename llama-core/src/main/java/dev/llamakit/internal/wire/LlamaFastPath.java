package dev.llamakit.internal.wire;

import dev.llamakit.chat.StopReason;

/**
 * Reads the common native event after the first one without a JSON tokenizer: {@code {"id", "event":
 * {"event_type", "delta": {"type": "text", "text"}, "stop_reason"}}} with members in any order, scalar unknown
 * members, {@code "error": null} and scalar {@code metrics}. Tool-call deltas, metrics arrays, errors, nested
 * unknown values, escaped names and text the {@link JsonByteScanner} does not accept are left to Jackson:
 * {@link #scan} returns {@code false} before anything was emitted. Events that differ from the last text-only
 * event only in their text are read through a {@link TextTemplate}. Internal.
 */
final class LlamaFastPath {
    private static final byte[] ERROR = OpenAiFastPath.ascii("error");
    private static final byte[] EVENT = OpenAiFastPath.ascii("event");
    private static final byte[] EVENT_TYPE = OpenAiFastPath.ascii("event_type");
    private static final byte[] STOP_REASON = OpenAiFastPath.ascii("stop_reason");
    private static final byte[] DELTA = OpenAiFastPath.ascii("delta");
    private static final byte[] TYPE = OpenAiFastPath.ascii("type");
    private static final byte[] TEXT = OpenAiFastPath.ascii("text");

    private final JsonByteScanner scanner = new JsonByteScanner();
    private final TextTemplate template = new TextTemplate();
    private final JsonByteScanner.MemberReader objectMembers = this::objectMember;
    private final JsonByteScanner.MemberReader eventMembers = this::eventMember;
    private final JsonByteScanner.MemberReader deltaMembers = this::deltaMember;

    /** The text of the event read last by {@link #scan}, or {@code null}. */
    String text;
    /** Whether the event read last is the {@code complete} event. */
    boolean complete;
    /** The stop reason the event read last carries, or {@code null}. */
    StopReason stopReason;

    private boolean toolCall;
    private int textStart;
    private int textEnd;
    private int texts;

    /** Reads one event into {@link #text}, {@link #complete} and {@link #stopReason}; {@code false} when Jackson must read it. */
    boolean scan(byte[] data, int length) {
        scanner.reset(data, length);
        text = null;
        complete = false;
        stopReason = null;
        String fromTemplate = template.text(scanner);
        if (fromTemplate != null) {
            text = fromTemplate;
            return true;
        }
        toolCall = false;
        textStart = -1;
        texts = 0;
        int end = object(scanner.skipWhitespace(0));
        if (end == JsonByteScanner.NO || scanner.skipWhitespace(end) != length || toolCall) {
            return false;
        }
        if (textStart >= 0) {
            if (texts == 1 && !complete && stopReason == null) {
                template.remember(scanner, textStart, textEnd);
            }
            text = scanner.string(textStart, textEnd);
        }
        return true;
    }

    private int object(int p) {
        return scanner.object(p, objectMembers);
    }

    private int objectMember(int m, int nameEnd, int v) {
        int valueEnd;
        if (scanner.nameIs(m, nameEnd, EVENT) && scanner.at(v) == '{') {
            valueEnd = event(v);
        } else if (scanner.nameIs(m, nameEnd, ERROR)) {
            valueEnd = scanner.nullEnd(v); // an error is Jackson's
        } else {
            valueEnd = scanner.scalarEnd(v); // id, ...
        }
        return valueEnd; // NO ends the object: Jackson's
    }

    private int event(int p) {
        return scanner.object(p, eventMembers);
    }

    private int eventMember(int m, int nameEnd, int v) {
        int valueEnd;
        if (scanner.nameIs(m, nameEnd, DELTA) && scanner.at(v) == '{') {
            valueEnd = delta(v);
        } else {
            valueEnd = scanner.scalarEnd(v); // a metrics array is Jackson's
            if (valueEnd == JsonByteScanner.NO) {
                return JsonByteScanner.NO;
            }
            boolean string = scanner.at(v) == '"';
            if (scanner.nameIs(m, nameEnd, EVENT_TYPE)) {
                complete = string && scanner.stringIs(v, valueEnd, "complete");
            } else if (scanner.nameIs(m, nameEnd, STOP_REASON) && string) {
                stopReason = StopReason.fromWire(scanner.string(v, valueEnd));
            }
        }
        return valueEnd; // NO ends the object: Jackson's
    }

    private int delta(int p) {
        return scanner.object(p, deltaMembers);
    }

    private int deltaMember(int m, int nameEnd, int v) {
        int valueEnd = scanner.scalarEnd(v); // a function object belongs to a tool call: Jackson's
        if (valueEnd == JsonByteScanner.NO) {
            return JsonByteScanner.NO;
        }
        boolean string = scanner.at(v) == '"';
        if (scanner.nameIs(m, nameEnd, TYPE)) {
            toolCall = string && scanner.stringIs(v, valueEnd, "tool_call");
        } else if (scanner.nameIs(m, nameEnd, TEXT)) {
            // as Jackson's decoder: every text member sets the text, a non-string one to null
            texts++;
            textStart = string ? v : -1;
            textEnd = valueEnd;
        }
        return valueEnd;
    }
}
