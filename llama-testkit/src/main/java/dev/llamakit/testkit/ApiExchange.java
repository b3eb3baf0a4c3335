package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One request being answered: the parsed route and recorded request, plus the response-writing
 * helpers that add the common headers ({@code x-request-id}, rate limits on chat paths) and the
 * scripted reply's headers; and, for event streams, the scripted event delay and the journal of
 * stream outcomes.
 */
final class ApiExchange {

    static final String JSON = "application/json";
    static final String EVENT_STREAM = "text/event-stream";

    private final HttpExchange exchange;
    private final RecordedRequest request;
    private final Route route;
    private final ServerSettings settings;
    private final RateLimitCounter rateLimits;
    private final List<Map.Entry<String, String>> scriptedHeaders;
    private final Duration eventDelay;
    private final Journal<StreamOutcome> streams;
    private final CountDownLatch closed;
    private boolean headersSent;

    ApiExchange(HttpExchange exchange, RecordedRequest request, Route route, ServerSettings settings,
                RateLimitCounter rateLimits, ScriptedReply scripted, Journal<StreamOutcome> streams, CountDownLatch closed) {
        this.exchange = exchange;
        this.request = request;
        this.route = route;
        this.settings = settings;
        this.rateLimits = rateLimits;
        this.scriptedHeaders = scripted == null ? List.of() : scripted.headers();
        this.eventDelay = scripted == null ? Duration.ZERO : scripted.eventDelay();
        this.streams = streams;
        this.closed = closed;
    }

    RecordedRequest request() {
        return request;
    }

    Route route() {
        return route;
    }

    Dialect dialect() {
        return route.dialect();
    }

    ServerSettings settings() {
        return settings;
    }

    RateLimitCounter rateLimits() {
        return rateLimits;
    }

    boolean headersSent() {
        return headersSent;
    }

    /** The scripted reply's {@link ScriptedReply#withEventDelay event delay}; zero when none. */
    Duration eventDelay() {
        return eventDelay;
    }

    /**
     * Waits the event delay before an event. Gives up with a {@link ConnectionDrop} when the server
     * closes or the thread is interrupted.
     */
    void awaitEventDelay() throws IOException {
        if (eventDelay.isZero()) {
            return;
        }
        try {
            if (closed.await(eventDelay.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new ConnectionDrop("server closed during an event delay");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionDrop("interrupted during an event delay");
        }
    }

    /** Records how this exchange's event stream ended. */
    void recordStreamOutcome(StreamOutcome outcome) {
        streams.record(outcome);
    }

    /** This server's origin, e.g. {@code http://127.0.0.1:4711}. */
    String origin() {
        return "http://127.0.0.1:" + exchange.getLocalAddress().getPort();
    }

    // ---------------------------------------------------------------- whole responses

    void sendJson(int status, JsonNode body) throws IOException {
        send(status, JSON, Json.bytes(body), Map.of());
    }

    void sendError(ApiError error) throws IOException {
        String body = ErrorBodies.render(settings.errorShape(), error.status(), error.code(), error.getMessage());
        send(error.status(), JSON, body.getBytes(StandardCharsets.UTF_8), error.headers());
    }

    /**
     * Sends a complete response. No body is sent when it is empty, for {@code HEAD} requests and
     * for statuses 204 and 304, which cannot have one.
     */
    void send(int status, String contentType, byte[] body, Map<String, String> extraHeaders) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        if (contentType != null) {
            headers.set("Content-Type", contentType);
        }
        extraHeaders.forEach(headers::set);
        boolean withBody = body.length > 0 && status != 204 && status != 304 && !"HEAD".equals(request.method());
        sendHeaders(status, withBody ? body.length : -1);
        if (withBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    // ---------------------------------------------------------------- piecewise responses

    /**
     * Sends the status line and headers. {@code length} is as for
     * {@link HttpExchange#sendResponseHeaders}: 0 = chunked, -1 = no body, otherwise the declared length.
     */
    void sendHeaders(int status, long length) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("x-request-id", request.requestId());
        if (route.endpoint() == Route.Endpoint.CHAT) {
            rateLimits.headers().forEach(headers::set);
        }
        Set<String> replaced = new HashSet<>();
        for (Map.Entry<String, String> header : scriptedHeaders) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (replaced.add(name)) {
                headers.put(header.getKey(), new ArrayList<>(List.of(header.getValue())));
            } else {
                headers.add(header.getKey(), header.getValue());
            }
        }
        headersSent = true;
        exchange.sendResponseHeaders(status, length);
    }

    /** Sets a response header before {@link #sendHeaders}; scripted headers still win. */
    void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /** The raw response body stream, valid after {@link #sendHeaders}. */
    OutputStream body() {
        return exchange.getResponseBody();
    }
}
