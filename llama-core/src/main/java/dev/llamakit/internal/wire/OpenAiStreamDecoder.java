package dev.llamakit.internal.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.llamakit.chat.StopReason;
import dev.llamakit.client.ChatStreamEvent;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;

/**
 * The OpenAI stream: {@code chat.completion.chunk} objects with {@code choices[0].delta}, a chunk with
 * {@code finish_reason}, an optional usage chunk, then {@code data: [DONE]} (handled by the caller). Only the
 * first choice is read. Internal.
 */
final class OpenAiStreamDecoder extends StreamDecoder {
    /** The deltas of the chunk being read (emitted after Start); reused across chunks. */
    private final java.util.ArrayDeque<ChatStreamEvent> deltas = new java.util.ArrayDeque<>(4);
    private final OpenAiFastPath fast = new OpenAiFastPath();

    OpenAiStreamDecoder(boolean fastPath) {
        super(fastPath);
    }

    @Override
    protected boolean decodeFast(byte[] data, int length, Queue<ChatStreamEvent> out) {
        if (!fast.scan(data, length)) {
            return false;
        }
        if (fast.text != null && !fast.text.isEmpty()) {
            out.add(new ChatStreamEvent.TextDelta(fast.text));
        }
        if (fast.finish != null) {
            complete(fast.finish, out);
        }
        return true;
    }

    @Override
    protected void decodeObject(JsonParser p, Queue<ChatStreamEvent> out) throws IOException {
        String id = null;
        String model = null;
        StopReason finish = null;
        Map<String, Double> usage = null;
        deltas.clear();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "id":
                    id = started() ? skip(p) : textOrNull(p);
                    break;
                case "model":
                    model = started() ? skip(p) : textOrNull(p);
                    break;
                case "error":
                    if (isError(p)) {
                        throw error(p);
                    }
                    break;
                case "usage":
                    usage = p.currentToken() == JsonToken.START_OBJECT ? readNumericObject(p) : skip(p);
                    break;
                case "choices":
                    if (p.currentToken() != JsonToken.START_ARRAY) {
                        p.skipChildren();
                        break;
                    }
                    boolean first = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        if (!first) {
                            p.skipChildren();
                            continue;
                        }
                        first = false;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String c = p.currentName();
                            p.nextToken();
                            if (c.equals("finish_reason")) {
                                String reason = textOrNull(p);
                                finish = reason == null ? null : StopReason.fromWire(reason);
                            } else if (c.equals("delta") && p.currentToken() == JsonToken.START_OBJECT) {
                                readDelta(p, deltas);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        start(id, model, out);
        for (ChatStreamEvent e : deltas) {
            if (e instanceof ChatStreamEvent.ToolCallDelta t) {
                toolCall(t.index(), t.id(), t.name(), t.arguments(), out);
            } else {
                out.add(e);
            }
        }
        if (finish != null) {
            complete(finish, out);
        }
        if (usage != null && !usage.isEmpty()) {
            out.add(new ChatStreamEvent.Metrics(OpenAiWireFormat.usage(usage), usage));
        }
    }

    private static void readDelta(JsonParser p, Queue<ChatStreamEvent> deltas) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String d = p.currentName();
            p.nextToken();
            if (d.equals("content")) {
                String text = textOrNull(p);
                if (text != null && !text.isEmpty()) {
                    deltas.add(new ChatStreamEvent.TextDelta(text));
                }
            } else if (d.equals("tool_calls") && p.currentToken() == JsonToken.START_ARRAY) {
                int position = 0;
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    int index = position++;
                    String id = null;
                    String name = null;
                    String arguments = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        p.nextToken();
                        if (f.equals("index") && p.currentToken().isNumeric()) {
                            index = p.getIntValue();
                        } else if (f.equals("id")) {
                            id = textOrNull(p);
                        } else if (f.equals("function") && p.currentToken() == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String fn = p.currentName();
                                p.nextToken();
                                if (fn.equals("name")) {
                                    name = textOrNull(p);
                                } else if (fn.equals("arguments")) {
                                    arguments = textOrNull(p);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    deltas.add(new ChatStreamEvent.ToolCallDelta(index, id, name, arguments == null ? "" : arguments));
                }
            } else {
                p.skipChildren();
            }
        }
    }

    private static <T> T skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
