package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@code text/event-stream} body with chunked transfer encoding, one event at a time,
 * flushing after each so a client observes incremental delivery.
 */
final class SseWriter {

    private final OutputStream out;

    private SseWriter(OutputStream out) {
        this.out = out;
    }

    /** Sends 200 with {@code text/event-stream} and starts the chunked body. */
    static SseWriter open(ApiExchange exchange) throws IOException {
        exchange.setHeader("Content-Type", ApiExchange.EVENT_STREAM);
        exchange.setHeader("Cache-Control", "no-cache");
        exchange.sendHeaders(200, 0);
        return new SseWriter(exchange.body());
    }

    /** Writes {@code data: <json>} and a blank line. */
    void data(JsonNode event) throws IOException {
        raw("data: " + Json.write(event) + "\n\n");
    }

    /** Writes {@code text} verbatim and flushes it. */
    void raw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends the body cleanly (the terminating chunk). */
    void close() throws IOException {
        out.close();
    }
}
