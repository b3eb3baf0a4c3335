package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes a {@code text/event-stream} body with chunked transfer encoding, one event at a time, and
 * records the stream's {@link StreamOutcome}.
 *
 * <p>Before each event it waits the scripted event delay, if any. Events are written through a
 * buffer; it is flushed after each event when the stream is {@linkplain Flush#EACH_EVENT flushed
 * per event} or has an event delay, otherwise only when it fills and at the end (for benchmarks:
 * the client, not per-event flushes, should be measured).
 */
final class SseWriter {

    /** The server's buffer for event-stream bodies (the JDK server adds its own 4 KiB chunks below it). */
    static final int BUFFER_SIZE = 64 * 1024;

    /** When events are flushed to the client. */
    enum Flush {
        /** After every event: the client sees each event as soon as it is written. */
        EACH_EVENT,
        /** When the buffer fills and at the end, or after every event when an event delay is set. */
        BUFFERED
    }

    /** How the body ends once all events are written. */
    enum End {
        /** The terminating chunk: a complete response. */
        CLEAN,
        /** The connection is closed without ending the body ({@link ScriptedReply#sseThenDrop}). */
        DROP
    }

    /** Writes a stream's events. */
    @FunctionalInterface
    interface Events {
        void writeTo(SseWriter sse) throws IOException;
    }

    private final ApiExchange exchange;
    private final OutputStream out;
    private final Duration eventDelay;
    private final boolean flushEachEvent;
    private int eventsWritten;

    private SseWriter(ApiExchange exchange, Flush flush) {
        this.exchange = exchange;
        this.out = new BufferedOutputStream(exchange.body(), BUFFER_SIZE);
        this.eventDelay = exchange.eventDelay();
        this.flushEachEvent = flush == Flush.EACH_EVENT || !eventDelay.isZero();
    }

    /**
     * Sends 200 with {@code text/event-stream} and {@code Cache-Control: no-cache} (scripted headers
     * still win), writes the events, ends the body as {@code end} says, and records the outcome.
     *
     * @throws ConnectionDrop when the stream did not end cleanly; the JDK server then closes the connection
     */
    static void stream(ApiExchange exchange, Flush flush, End end, Events events) throws IOException {
        SseWriter sse = null;
        boolean completed = false;
        boolean clientDisconnected = false;
        boolean dropped = false;
        try {
            exchange.setHeader("Content-Type", ApiExchange.EVENT_STREAM);
            exchange.setHeader("Cache-Control", "no-cache");
            exchange.sendHeaders(200, 0);
            sse = new SseWriter(exchange, flush);
            // newer JDKs hold the headers back until the first body write; a client must see them at once
            sse.out.flush();
            events.writeTo(sse);
            if (end == End.DROP) {
                sse.out.flush();
                dropped = true;
                throw new ConnectionDrop("scripted sseThenDrop()");
            }
            sse.out.close();
            completed = true;
        } catch (ConnectionDrop drop) {
            throw drop;
        } catch (IOException e) {
            clientDisconnected = true;
            throw new ConnectionDrop("the client went away during an event stream: " + e);
        } finally {
            exchange.recordStreamOutcome(new StreamOutcome(exchange.request().requestId(),
                    sse == null ? 0 : sse.eventsWritten, completed, clientDisconnected, dropped));
        }
    }

    /** Writes {@code data: <json>} and a blank line, as one event. */
    void data(JsonNode event) throws IOException {
        raw("data: " + Json.write(event) + "\n\n");
    }

    /** Writes {@code text} verbatim, as one event. */
    void raw(String text) throws IOException {
        event(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code bytes} verbatim, as one event: waits the event delay, writes, flushes as configured. */
    void event(byte[] bytes) throws IOException {
        exchange.awaitEventDelay();
        out.write(bytes);
        if (flushEachEvent) {
            out.flush();
        }
        eventsWritten++;
    }
}
