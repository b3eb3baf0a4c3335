package dev.llamakit.client.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The catalogue of scripted faults. Each one looks at the request's {@code "stream"} flag, as a real server does:
 * a JSON request gets the fault's JSON form, a streaming request its SSE form.
 */
public final class Faults {
    private static final String SSE_CHUNKED_HEAD = "text/event-stream";

    private Faults() {
    }

    /** A correct reply: JSON, or a chunked SSE stream that ends properly. */
    public static Fault normal() {
        return x -> {
            if (x.request().wantsStream()) {
                sseHead(x, true);
                for (String e : Replies.sseEvents(x.wire(), Replies.FRAGMENTS)) {
                    x.sse(e);
                }
                x.endChunks();
            } else {
                x.respond(200, "OK", "application/json", Replies.json(x.wire(), Replies.TEXT));
            }
        };
    }

    /** Reads the request and never answers (until the client goes or the server closes). */
    public static Fault stallBeforeHeaders() {
        return FaultServer.Exchange::stall;
    }

    /** Sends error-status headers announcing {@code contentLength} bytes, sends a few of them, then stalls. */
    public static Fault errorHeadersThenStall(int status, int contentLength) {
        return x -> {
            x.head(status, "Service Unavailable", "Content-Type", "application/json", "Content-Length", Integer.toString(contentLength));
            x.raw("{\"error\":{\"message\":\"");
            x.stall();
        };
    }

    /** A 200 whose body stops half way: JSON with a Content-Length half sent, or a stream after two events; then a stall. */
    public static Fault stallMidBody() {
        return x -> {
            if (x.request().wantsStream()) {
                sseHead(x, true);
                List<String> events = Replies.sseEvents(x.wire(), Replies.FRAGMENTS);
                x.sse(events.get(0));
                x.sse(events.get(1));
            } else {
                halfJson(x);
            }
            x.stall();
        };
    }

    /**
     * A body cut by a clean close. JSON: Content-Length announced, half sent, FIN. Stream: a close-delimited body (no
     * Content-Length, not chunked) with two events and then half an event line, then FIN, so the client's HTTP layer
     * sees a normal end and only the SSE layer can tell the line was cut.
     */
    public static Fault partialLineThenClose() {
        return x -> {
            if (x.request().wantsStream()) {
                sseHead(x, false);
                List<String> events = Replies.sseEvents(x.wire(), Replies.FRAGMENTS);
                x.sse(events.get(0));
                x.sse(events.get(1));
                String third = events.get(2);
                x.sse(third.substring(0, third.length() / 2));
            } else {
                halfJson(x);
            }
            x.pause(Duration.ofMillis(50));
            x.close();
        };
    }

    /** As {@link #partialLineThenClose()}, but chunked and ended by an RST (SO_LINGER 0) instead of a FIN. */
    public static Fault resetMidBody() {
        return x -> {
            if (x.request().wantsStream()) {
                sseHead(x, true);
                List<String> events = Replies.sseEvents(x.wire(), Replies.FRAGMENTS);
                x.sse(events.get(0));
                x.sse(events.get(1));
            } else {
                halfJson(x);
            }
            x.pause(Duration.ofMillis(100)); // let the client read what was sent before the reset discards it
            x.reset();
        };
    }

    /** One enormous line: a stream whose single text event is {@code size} bytes, or a JSON reply with that text. */
    public static Fault hugeLine(int size) {
        return x -> {
            String text = "x".repeat(size);
            if (x.request().wantsStream()) {
                sseHead(x, true);
                x.sse(Replies.sseStart(x.wire()));
                x.sse(Replies.sseText(x.wire(), text));
                x.sse(Replies.sseEnd(x.wire()));
                x.endChunks();
            } else {
                x.respond(200, "OK", "application/json", Replies.json(x.wire(), text));
            }
        };
    }

    /** A redirect ({@code 307}/{@code 308}) to {@code target} + the request's own path. */
    public static Fault redirect(int status, String targetOrigin, String pathPrefix) {
        return x -> {
            String location = (targetOrigin == null ? "" : targetOrigin) + pathPrefix + x.request().target();
            x.respond(status, status == 307 ? "Temporary Redirect" : "Permanent Redirect", "application/json", "",
                    "Location", location);
        };
    }

    /** 429 with {@code retry-after} (seconds) and a JSON error body. */
    public static Fault tooManyRequests(int retryAfterSeconds) {
        return x -> x.respond(429, "Too Many Requests", "application/json",
                Replies.errorJson(429, "rate_limit_exceeded", "slow down"), "retry-after", Integer.toString(retryAfterSeconds));
    }

    /** A 500 with a JSON error body. */
    public static Fault serverError(String message) {
        return x -> x.respond(500, "Internal Server Error", "application/json", Replies.errorJson(500, "server_error", message));
    }

    /**
     * Trickles: a stream of {@code events} text events {@code gap} apart (each fragment {@code "tN "}), ending properly;
     * a JSON reply is sent in {@code events} pieces {@code gap} apart.
     */
    public static Fault trickle(int events, Duration gap) {
        return x -> {
            if (x.request().wantsStream()) {
                sseHead(x, true);
                x.sse(Replies.sseStart(x.wire()));
                for (String f : trickleFragments(events)) {
                    if (!x.pause(gap)) {
                        return;
                    }
                    x.sse(Replies.sseText(x.wire(), f));
                }
                x.sse(Replies.sseEnd(x.wire()));
                x.endChunks();
            } else {
                byte[] body = Replies.json(x.wire(), String.join("", trickleFragments(events))).getBytes(StandardCharsets.UTF_8);
                x.head(200, "OK", "Content-Type", "application/json", "Content-Length", Integer.toString(body.length));
                int step = (body.length + events - 1) / events;
                for (int off = 0; off < body.length; off += step) {
                    if (off > 0 && !x.pause(gap)) {
                        return;
                    }
                    x.raw(java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + step)));
                }
            }
        };
    }

    /** The fragments of {@link #trickle}: {@code "t0 ", "t1 ", ...}. */
    public static List<String> trickleFragments(int events) {
        List<String> f = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            f.add("t" + i + " ");
        }
        return f;
    }

    /**
     * llama.cpp's mid-stream error: two events, then an {@code error: {...}} line (an SSE field named "error", not
     * {@code data:}), then the stream ends. A JSON request gets a 500 with the same message.
     */
    public static Fault llamaCppErrorLine(String message) {
        return x -> {
            if (x.request().wantsStream()) {
                sseHead(x, true);
                List<String> events = Replies.sseEvents(x.wire(), Replies.FRAGMENTS);
                x.sse(events.get(0));
                x.sse(events.get(1));
                x.sse("error: {\"code\":500,\"message\":" + Replies.quote(message) + ",\"type\":\"server_error\"}\n\n");
                x.endChunks();
            } else {
                serverError(message).respond(x);
            }
        };
    }

    /** A 200 stream head, then an RST before any event (a stream that breaks before its first event). */
    public static Fault streamHeadThenReset() {
        return x -> {
            sseHead(x, true);
            x.pause(Duration.ofMillis(50));
            x.reset();
        };
    }

    private static void sseHead(FaultServer.Exchange x, boolean chunked) throws java.io.IOException {
        if (chunked) {
            x.head(200, "OK", "Content-Type", SSE_CHUNKED_HEAD, "Cache-Control", "no-cache", "Transfer-Encoding", "chunked");
        } else {
            x.head(200, "OK", "Content-Type", SSE_CHUNKED_HEAD, "Cache-Control", "no-cache");
        }
    }

    private static void halfJson(FaultServer.Exchange x) throws java.io.IOException {
        byte[] body = Replies.json(x.wire(), Replies.TEXT).getBytes(StandardCharsets.UTF_8);
        x.head(200, "OK", "Content-Type", "application/json", "Content-Length", Integer.toString(body.length));
        x.raw(java.util.Arrays.copyOf(body, body.length / 2));
    }
}
