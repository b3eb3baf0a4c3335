package dev.llamakit.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's single handler: reads and records the request, takes the next scripted reply,
 * waits for its delay, then either sends it verbatim or runs the checks and the endpoint.
 */
final class ApiHandler implements HttpHandler {

    private final ServerSettings settings;
    private final Journal<RecordedRequest> journal;
    private final Journal<StreamOutcome> streams;
    private final Queue<ScriptedReply> replies;
    private final CountDownLatch closed;
    private final RateLimitCounter rateLimits;
    private final AtomicLong requestIds = new AtomicLong();
    private final ChatEndpoint chat = new ChatEndpoint();
    private final ModerationsEndpoint moderations = new ModerationsEndpoint();

    ApiHandler(ServerSettings settings, Journal<RecordedRequest> journal, Journal<StreamOutcome> streams, Queue<ScriptedReply> replies,
               CountDownLatch closed) {
        this.settings = settings;
        this.journal = journal;
        this.streams = streams;
        this.replies = replies;
        this.closed = closed;
        this.rateLimits = new RateLimitCounter(settings.tokensPerWindow(), settings.requestsPerWindow());
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        // A ConnectionDrop escapes without http.close(): closing would end the body cleanly,
        // while the JDK server answers an escaping IOException by closing the connection.
        byte[] body = http.getRequestBody().readAllBytes();
        String rawPath = http.getRequestURI().getRawPath();
        RecordedRequest request = new RecordedRequest("req_" + requestIds.incrementAndGet(),
                http.getRequestMethod(), rawPath, http.getRequestURI().getRawQuery(),
                http.getRequestHeaders(), new String(body, StandardCharsets.UTF_8));
        journal.record(request);
        ScriptedReply scripted = replies.poll();
        ApiExchange exchange = new ApiExchange(http, request, Route.of(rawPath), settings, rateLimits, scripted,
                streams, closed);
        if (scripted != null) {
            await(scripted.delay());
        }
        try {
            if (scripted != null && !scripted.kind().rendered()) {
                VerbatimReplies.serve(exchange, scripted);
            } else {
                serveRendered(exchange, scripted);
            }
        } catch (ApiError error) {
            exchange.sendError(error);
        } catch (RuntimeException bug) {
            if (exchange.headersSent()) {
                throw new ConnectionDrop("testkit failure after the response started: " + bug);
            }
            exchange.sendError(new ApiError(500, "testkit_failure",
                    "LlamaTestServer failed to answer: " + bug));
        }
        http.close();
    }

    private void serveRendered(ApiExchange exchange, ScriptedReply scripted) throws IOException {
        RecordedRequest request = exchange.request();
        Route route = exchange.route();
        if (scripted != null) {
            checkScriptedFitsRoute(request, route, scripted);
        }
        RequestChecks.authenticate(request, settings);
        RequestChecks.route(request, route);
        switch (route.endpoint()) {
            case MODELS -> ModelsEndpoint.list(exchange);
            case MODEL -> ModelsEndpoint.retrieve(exchange, route.modelId());
            case CHAT -> chat.serve(exchange, RequestChecks.jsonBody(request), scripted);
            case MODERATIONS -> moderations.serve(exchange, RequestChecks.jsonBody(request), scripted);
            default -> throw new IllegalStateException("unrouted endpoint " + route.endpoint());
        }
    }

    /** A chat reply must meet a chat request, a moderation reply a moderation request; else 500 says why. */
    private static void checkScriptedFitsRoute(RecordedRequest request, Route route, ScriptedReply scripted) {
        boolean fits = scripted.kind().chat()
                ? route.endpoint() == Route.Endpoint.CHAT
                : route.endpoint() == Route.Endpoint.MODERATIONS;
        if (!fits) {
            String expected = scripted.kind().chat() ? "chat-completions" : "moderations";
            throw new ApiError(500, "scripted_reply_mismatch", "LlamaTestServer: a " + expected + " reply ("
                    + scripted.describe() + ") was scripted with enqueue(), but the next request was "
                    + request.method() + " " + request.path() + ". Every request takes the next queued reply; "
                    + "script status/raw replies for other endpoints.");
        }
    }

    /** Waits {@code delay}; gives up, dropping the connection, when the server closes or the thread is interrupted. */
    private void await(Duration delay) throws IOException {
        if (delay.isZero()) {
            return;
        }
        try {
            if (closed.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new ConnectionDrop("server closed during a scripted delay");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionDrop("interrupted during a scripted delay");
        }
    }
}
