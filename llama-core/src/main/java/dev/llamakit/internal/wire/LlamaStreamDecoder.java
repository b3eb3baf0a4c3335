package dev.llamakit.internal.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.llamakit.chat.StopReason;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.internal.json.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;

/**
 * The native stream: {@code {"id", "event": {"event_type", "delta", "stop_reason", "metrics"}}} with event types
 * start, progress, complete and metrics, and no {@code [DONE]}. Tool-call fragments without an id belong to the
 * most recent call; a new id starts a new call. Internal.
 */
final class LlamaStreamDecoder extends StreamDecoder {
    private int toolIndex = -1;
    private String toolId;
    private StopReason stopReason;
    private final LlamaFastPath fast = new LlamaFastPath();

    LlamaStreamDecoder(boolean fastPath) {
        super(fastPath);
    }

    @Override
    protected boolean decodeFast(byte[] data, int length, Queue<ChatStreamEvent> out) {
        if (!fast.scan(data, length)) {
            return false;
        }
        if (fast.stopReason != null) {
            stopReason = fast.stopReason;
        }
        if (fast.text != null && !fast.text.isEmpty()) {
            out.add(new ChatStreamEvent.TextDelta(fast.text));
        }
        if (fast.complete) {
            complete(stopReason, out);
        }
        return true;
    }

    @Override
    protected void decodeObject(JsonParser p, Queue<ChatStreamEvent> out) throws IOException {
        String id = null;
        boolean complete = false;
        boolean toolCallDelta = false;
        String text = null;
        String callId = null;
        String callName = null;
        String callArguments = null;
        Map<String, Double> metrics = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("id")) {
                if (started()) {
                    p.skipChildren();
                } else {
                    id = textOrNull(p);
                }
            } else if (field.equals("error")) {
                if (isError(p)) {
                    throw error(p);
                }
            } else if (field.equals("event") && p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    p.nextToken();
                    switch (f) {
                        case "event_type":
                            complete = textEquals(p, "complete");
                            break;
                        case "stop_reason":
                            String reason = textOrNull(p);
                            if (reason != null) {
                                stopReason = StopReason.fromWire(reason);
                            }
                            break;
                        case "metrics":
                            metrics = readMetricsArray(p);
                            break;
                        case "delta":
                            if (p.currentToken() != JsonToken.START_OBJECT) {
                                p.skipChildren();
                                break;
                            }
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String d = p.currentName();
                                p.nextToken();
                                if (d.equals("type")) {
                                    toolCallDelta = textEquals(p, "tool_call");
                                } else if (d.equals("text")) {
                                    text = textOrNull(p);
                                } else if (d.equals("id")) {
                                    callId = textOrNull(p);
                                } else if (d.equals("function") && p.currentToken() == JsonToken.START_OBJECT) {
                                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                                        String fn = p.currentName();
                                        p.nextToken();
                                        if (fn.equals("name")) {
                                            callName = textOrNull(p);
                                        } else if (fn.equals("arguments")) {
                                            callArguments = p.currentToken() == JsonToken.VALUE_STRING ? p.getText()
                                                    : p.currentToken() == JsonToken.VALUE_NULL ? null : jsonText(p);
                                        } else {
                                            p.skipChildren();
                                        }
                                    }
                                } else {
                                    p.skipChildren();
                                }
                            }
                            break;
                        default:
                            p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        start(id, null, out);
        if (toolCallDelta) {
            if (toolIndex < 0 || callId != null && !callId.equals(toolId)) {
                toolIndex++;
                toolId = callId;
            }
            toolCall(toolIndex, callId, callName, callArguments, out);
        } else if (text != null && !text.isEmpty()) {
            out.add(new ChatStreamEvent.TextDelta(text));
        }
        if (complete) {
            complete(stopReason, out);
        }
        if (metrics != null && !metrics.isEmpty()) {
            out.add(new ChatStreamEvent.Metrics(LlamaWireFormat.usage(metrics), metrics));
        }
    }

    /** Arguments sent as a JSON object instead of a string: keep their JSON text. */
    private static String jsonText(JsonParser p) throws IOException {
        return Json.MAPPER.readTree(p).toString();
    }
}
