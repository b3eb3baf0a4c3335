package dev.llamakit.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Sends the scripted replies that bypass all checks: statuses, redirects, raw bodies, streams and faults. */
final class VerbatimReplies {

    /** The complete body {@link ScriptedReply#dropMidBody()} starts to send. */
    static final String TRUNCATED_BODY = "{\"id\":\"chatcmpl-cut\",\"completion_message\":{\"role\":\"assistant\","
            + "\"content\":{\"type\":\"text\",\"text\":\"This reply is cut off before it ends.\"},"
            + "\"stop_reason\":\"stop\",\"tool_calls\":[]},\"metrics\":[]}";

    private VerbatimReplies() {
    }

    static void serve(ApiExchange exchange, ScriptedReply reply) throws IOException {
        switch (reply.kind()) {
            case STATUS -> {
                String body = reply.body();
                if (body == null) {
                    body = reply.statusCode() >= 400 ? ErrorBodies.scripted(exchange.settings().errorShape(), reply.statusCode()) : "";
                }
                exchange.send(reply.statusCode(), ApiExchange.JSON, utf8(body), Map.of());
            }
            case REDIRECT -> {
                String location = reply.location().startsWith("/")
                        ? exchange.origin() + reply.location() : reply.location();
                exchange.send(reply.statusCode(), null, new byte[0], Map.of("Location", location));
            }
            case MALFORMED_JSON -> exchange.send(200, ApiExchange.JSON, utf8(ScriptedReply.MALFORMED_BODY), Map.of());
            case RAW_JSON -> exchange.send(200, ApiExchange.JSON, utf8(reply.body()), Map.of());
            case DROP_CONNECTION -> throw new ConnectionDrop("scripted dropConnection()");
            case DROP_MID_BODY -> {
                byte[] full = utf8(TRUNCATED_BODY);
                exchange.setHeader("Content-Type", ApiExchange.JSON);
                exchange.sendHeaders(200, full.length);
                OutputStream out = exchange.body();
                out.write(full, 0, full.length / 2);
                out.flush();
                throw new ConnectionDrop("scripted dropMidBody()");
            }
            case SSE, SSE_THEN_DROP -> SseWriter.stream(exchange, SseWriter.Flush.EACH_EVENT,
                    reply.kind() == ScriptedReply.Kind.SSE_THEN_DROP ? SseWriter.End.DROP : SseWriter.End.CLEAN,
                    sse -> {
                        for (String event : reply.events()) {
                            sse.raw(event);
                        }
                    });
            case SSE_BYTES -> SseWriter.stream(exchange, SseWriter.Flush.EACH_EVENT, SseWriter.End.CLEAN, sse -> {
                for (byte[] chunk : reply.byteEvents()) {
                    sse.event(chunk);
                }
            });
            case SSE_REPEATING -> {
                byte[] event = utf8(reply.repeatedEvent());
                byte[] trailer = utf8(reply.trailer());
                SseWriter.stream(exchange, SseWriter.Flush.BUFFERED, SseWriter.End.CLEAN, sse -> {
                    for (int i = 0; i < reply.repeatCount(); i++) {
                        sse.event(event);
                    }
                    if (trailer.length > 0) {
                        sse.event(trailer);
                    }
                });
            }
            default -> throw new IllegalStateException("not a verbatim reply: " + reply.describe());
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
