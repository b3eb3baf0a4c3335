package dev.llamakit.internal.http;

import dev.llamakit.client.ChatStream;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.RequestOptions;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.LlamaTimeoutException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport: sends one logical request. Builds the HTTP request with the client's headers
 * ({@link RequestFactory}), runs attempts under the {@link RetryPolicy}, follows same-origin redirects itself (never
 * carrying credentials to another origin), logs each attempt at debug (method, path, status, attempt, duration;
 * never a header value), and maps failures to typed exceptions.
 *
 * <p>There is one attempt loop ({@link Call}): on the calling thread for {@link #send}, chained on futures otherwise
 * (see {@link Call}). It serves every call
 * shape: {@link #send}, {@link #sendAsync} and {@link #stream}, whose reopening after a break before the first event
 * continues the same loop, within the same retry budget ({@code maxRetries} retries in all). Time is bounded as
 * {@link Timeouts} describes. Once the call's {@link Cancellation} fires, no further request is sent.
 *
 * <p>Internal, and the package's only entry point: {@link #create} is called by {@code LlamaClient}; the stream
 * and the other helpers are package-private.
 */
public final class HttpCaller {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.http");
    private static final int MAX_ERROR_BODY_BYTES = 1024 * 1024;
    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final ClientConfig config;
    private final RequestFactory requests;
    private final RetryPolicy retryPolicy;

    private HttpCaller(HttpClient http, ClientConfig config) {
        this.http = http;
        this.config = config;
        this.requests = new RequestFactory(config);
        this.retryPolicy = new RetryPolicy(config.clock(), config.random());
    }

    /** A transport for one client. */
    public static HttpCaller create(HttpClient http, ClientConfig config) {
        return new HttpCaller(http, config);
    }

    /** The shared JDK client (for deriving clients that share its connection pool). */
    public HttpClient httpClient() {
        return http;
    }

    /** The number of retries allowed for a call with these options. */
    private int maxRetries(RequestOptions options) {
        return options.maxRetries().orElse(config.maxRetries());
    }

    /** The timeout of one attempt, and of each wait for stream data, with these options. */
    Duration timeout(RequestOptions options) {
        return options.timeout().orElse(config.timeout());
    }

    /**
     * Sends {@code method path} with an optional JSON body and returns the 2xx response.
     *
     * @throws dev.llamakit.client.error.LlamaApiException on an error status after retries
     * @throws LlamaConnectionException when the server cannot be reached after retries
     */
    public RawResponse send(String method, String path, byte[] jsonBody, RequestOptions options, AttemptListener listener) {
        Cancellation cancellation = new Cancellation();
        HttpRequest request = requests.build(method, path, jsonBody, options, "application/json");
        Call<byte[]> call = new Call<>(request, BYTES, options, listener, cancellation, true);
        return await(call.start().thenApply(HttpCaller::raw), cancellation);
    }

    private static RawResponse raw(HttpResponse<byte[]> r) {
        return new RawResponse(r.statusCode(), r.headers(), r.body(), requestId(r.headers()));
    }

    /**
     * As {@link #send}, without blocking a thread: attempts and retry waits are chained. Cancelling the returned
     * future cancels the exchange in flight (or the wait for a retry), and no further attempt is made.
     */
    public CompletableFuture<RawResponse> sendAsync(String method, String path, byte[] jsonBody, RequestOptions options,
                                                    AttemptListener listener) {
        Cancellation cancellation = new Cancellation();
        CompletableFuture<RawResponse> result = sendAsync(method, path, jsonBody, options, listener, cancellation);
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                cancellation.cancel();
            }
        });
        return result;
    }

    private CompletableFuture<RawResponse> sendAsync(String method, String path, byte[] jsonBody, RequestOptions options,
                                                     AttemptListener listener, Cancellation cancellation) {
        HttpRequest request;
        try {
            request = requests.build(method, path, jsonBody, options, "application/json");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Call<byte[]> call = new Call<>(request, BYTES, options, listener, cancellation, false);
        return call.start().thenApply(HttpCaller::raw);
    }

    /**
     * Sends a streaming request ({@code Accept: text/event-stream}) and returns once a 2xx status and headers
     * arrived; the events are read as the caller pulls. Error statuses are retried as for {@link #send}; a
     * connection that breaks before the first event is reopened within the same retry budget; a stalled body fails
     * after the timeout of no data. Once {@code cancellation} fires (before or after this returns), no further
     * request is sent and the body is closed.
     *
     * @throws dev.llamakit.client.error.StreamCancelledException when the call was cancelled before the server answered
     */
    public ChatStream stream(String path, byte[] jsonBody, RequestOptions options, Dialect dialect, CallTracker observer,
                             Cancellation cancellation) {
        return new RealChatStream(new StreamCall(path, jsonBody, options, observer, cancellation), dialect, observer,
                cancellation);
    }

    /** The opening of one stream, and its reopenings: one {@link Call}, so one retry budget. */
    final class StreamCall {
        private final Call<InputStream> call;
        private final Duration idleTimeout;
        private final Cancellation cancellation;

        private StreamCall(String path, byte[] jsonBody, RequestOptions options, AttemptListener listener,
                           Cancellation cancellation) {
            HttpRequest request = requests.build("POST", path, jsonBody, options, "text/event-stream");
            this.call = new Call<>(request, STREAM, options, listener, cancellation, false);
            this.idleTimeout = timeout(options);
            this.cancellation = cancellation;
        }

        /**
         * Sends the request and waits for a 2xx status and headers.
         *
         * @throws CancellationException when the call was cancelled first
         */
        StreamResponse open() {
            return opened(call.start());
        }

        /** Whether the retry budget allows reopening the stream. */
        boolean mayReopen() {
            return call.mayRetry();
        }

        /**
         * Reopens the stream after its body broke before the first event: waits as the retry policy says, then
         * sends the request again.
         *
         * @throws CancellationException when the call was cancelled first
         */
        StreamResponse reopen(Exception cause) {
            return opened(call.retryBrokenBody(cause, "stream broke before its first event"));
        }

        /** The time allowed for each wait for data. */
        Duration idleTimeout() {
            return idleTimeout;
        }

        private StreamResponse opened(CompletableFuture<HttpResponse<InputStream>> exchange) {
            HttpResponse<InputStream> response = await(exchange, cancellation);
            StreamResponse stream = new StreamResponse(Timeouts.idle(response.body(), idleTimeout), response.headers(),
                    requestId(response.headers()));
            if (cancellation.isCancelled()) {
                stream.close();
                throw new CancellationException("the call was cancelled");
            }
            cancellation.onCancel(stream::close);
            return stream;
        }
    }

    /** Waits for an async step on the calling thread; an interrupt cancels the call. */
    private static <T> T await(CompletableFuture<T> future, Cancellation cancellation) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            cancellation.cancel();
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlamaException("interrupted while waiting for the server", e);
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new LlamaException("request failed: " + describe(cause), cause);
        } catch (CancellationException e) {
            throw new CancellationException("the call was cancelled");
        }
    }

    /**
     * The attempt loop of one logical call: its attempts, redirects and retry waits, completing {@link #result}
     * with the first 2xx response or the final failure. A stream may {@linkplain #retryBrokenBody continue} it once
     * that response broke, within the same retry budget.
     *
     * <p>A <em>blocking</em> loop (a blocking call's) runs on the calling thread: each attempt is the JDK client's
     * {@code send} and each retry wait a wait on that thread, so that the answer reaches the caller without a thread
     * hop (the JDK completes a {@code sendAsync} on another thread, on 2 cores a new thread per call); the attempt's
     * timeout interrupts the send ({@link Timeouts#interruptAfter}), which cancels the exchange. Otherwise the loop
     * is chained on the JDK client's futures and the waits' timers, blocking no thread.
     */
    private final class Call<T> {
        /** The current round: the first opening, or a stream's reopening. */
        private volatile CompletableFuture<HttpResponse<T>> result;
        private final Bodies<T> bodies;
        private final RequestOptions options;
        private final AttemptListener listener;
        private final Cancellation cancellation;
        private final Duration timeout;
        private final boolean blocking;
        private HttpRequest request;
        private int retries;
        private int redirects;

        Call(HttpRequest request, Bodies<T> bodies, RequestOptions options, AttemptListener listener, Cancellation cancellation,
             boolean blocking) {
            this.blocking = blocking;
            this.request = request;
            this.bodies = bodies;
            this.options = options;
            this.listener = listener;
            this.cancellation = cancellation;
            this.timeout = timeout(options);
        }

        /** Starts the loop: the first attempt. */
        CompletableFuture<HttpResponse<T>> start() {
            newRound();
            attempt();
            return result;
        }

        /** Whether a retry is left in the budget. */
        boolean mayRetry() {
            return retries < maxRetries(options);
        }

        /**
         * Continues the loop after the 2xx response it completed with broke (only when {@link #mayRetry()}): waits
         * as for a connection failure, then attempts again.
         */
        CompletableFuture<HttpResponse<T>> retryBrokenBody(Exception cause, String reason) {
            newRound();
            Duration wait = retryPolicy.delay(retries, null);
            LOG.debug("{} {}: {} ({}); retrying in {} ms", request.method(), request.uri().getRawPath(), reason,
                    cause.getMessage(), wait.toMillis());
            retryAfter(wait, reason);
            return result;
        }

        private void newRound() {
            CompletableFuture<HttpResponse<T>> round = new CompletableFuture<>();
            result = round;
            cancellation.onCancel(() -> round.cancel(false));
        }

        private void attempt() {
            CompletableFuture<HttpResponse<T>> round = result;
            if (round.isDone() || cancellation.isCancelled()) {
                round.cancel(false);
                return;
            }
            if (blocking) {
                attemptOnThisThread(round);
                return;
            }
            long started = System.nanoTime();
            CompletableFuture<HttpResponse<T>> exchange;
            try {
                exchange = http.sendAsync(request, bodies.handler());
            } catch (RuntimeException e) {
                round.completeExceptionally(e);
                return;
            }
            Timeouts.AttemptDeadline deadline = Timeouts.attempt(exchange, timeout);
            round.whenComplete((r, e) -> {
                if (round.isCancelled()) {
                    exchange.cancel(true);
                }
            });
            exchange.whenComplete((response, error) -> {
                try {
                    onAttemptDone(response, error, deadline.expired(), started);
                } catch (RuntimeException e) {
                    round.completeExceptionally(e);
                }
            });
        }

        /** One attempt of a blocking loop: the JDK client's {@code send} on this thread, within the attempt's time. */
        private void attemptOnThisThread(CompletableFuture<HttpResponse<T>> round) {
            long started = System.nanoTime();
            Timeouts.Interrupter deadline = Timeouts.interruptAfter(Thread.currentThread(), timeout);
            HttpResponse<T> response = null;
            Throwable error = null;
            try {
                response = http.send(request, bodies.handler());
            } catch (IOException | InterruptedException e) {
                error = e;
            } catch (RuntimeException e) {
                deadline.finish();
                round.completeExceptionally(e);
                return;
            }
            boolean timedOut = deadline.finish();
            if (error instanceof InterruptedException && !timedOut) {
                interrupted(error);
                return;
            }
            try {
                onAttemptDone(response, error, timedOut, started);
            } catch (RuntimeException e) {
                round.completeExceptionally(e);
            }
        }

        /** The caller's thread was interrupted: the call is cancelled, and the thread stays interrupted. */
        private void interrupted(Throwable cause) {
            result.completeExceptionally(new LlamaException("interrupted while waiting for the server", cause));
            cancellation.cancel();
            Thread.currentThread().interrupt();
        }

        private void onAttemptDone(HttpResponse<T> response, Throwable error, boolean timedOut, long started) {
            if (result.isDone()) {
                if (response != null) {
                    bodies.discard(response.body());
                }
                return;
            }
            String method = request.method();
            String target = request.uri().getRawPath();
            int attempt = retries + 1;
            if (error != null) {
                LlamaConnectionException failure = timedOut
                        ? new LlamaTimeoutException("request timed out after " + timeout.toMillis() + " ms", unwrap(error))
                        : toConnectionException(request, unwrap(error), timeout);
                if (mayRetry()) {
                    Duration wait = retryPolicy.delay(retries, null);
                    LOG.debug("{} {} failed ({}) on attempt {} after {} ms; retrying in {} ms", method, target,
                            failure.getMessage(), attempt, elapsedMillis(started), wait.toMillis());
                    retryAfter(wait, failure.getMessage());
                } else {
                    LOG.debug("{} {} failed ({}) on attempt {} after {} ms; giving up", method, target, failure.getMessage(),
                            attempt, elapsedMillis(started));
                    result.completeExceptionally(failure);
                }
                return;
            }
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            LOG.debug("{} {} -> {} (attempt {}, {} ms, request id {})", method, target, status, attempt,
                    elapsedMillis(started), requestId(headers));
            if (status >= 200 && status < 300) {
                result.complete(response);
                return;
            }
            byte[] body = bodies.errorBytes(response.body());
            if (Redirects.isRedirect(status) && headers.firstValue("location").isPresent()) {
                request = Redirects.follow(request, status, headers.firstValue("location").get(), ++redirects, MAX_REDIRECTS);
                LOG.debug("{} {} redirected ({}) to {}", method, target, status, request.uri().getRawPath());
                attempt();
                return;
            }
            if (mayRetry() && retryPolicy.shouldRetry(status, headers)) {
                Duration wait = retryPolicy.delay(retries, headers);
                LOG.debug("{} {} retrying in {} ms", method, target, wait.toMillis());
                retryAfter(wait, "HTTP " + status);
                return;
            }
            result.completeExceptionally(ErrorMapper.toException(status, requestId(headers),
                    new String(body, StandardCharsets.UTF_8), retryPolicy.retryAfter(headers).orElse(null)));
        }

        private void retryAfter(Duration wait, String reason) {
            listener.onRetry(retries + 1, wait, reason);
            if (cancellation.isCancelled()) {
                result.cancel(false);
                return;
            }
            CompletableFuture<Void> pause = config.sleeper().delay(wait);
            cancellation.onCancel(() -> pause.cancel(false));
            if (blocking) {
                try {
                    pause.get();
                } catch (InterruptedException e) {
                    pause.cancel(false);
                    interrupted(e);
                    return;
                } catch (ExecutionException | CancellationException e) {
                    if (!(unwrap(e) instanceof CancellationException) && !(e instanceof CancellationException)) {
                        result.completeExceptionally(new LlamaException("interrupted while waiting to retry", unwrap(e)));
                        return;
                    }
                }
                retries++;
                attempt(); // cancelled: completes the result as cancelled without sending
                return;
            }
            pause.whenComplete((v, e) -> {
                if (e != null && !(e instanceof CancellationException) && !(unwrap(e) instanceof CancellationException)) {
                    result.completeExceptionally(new LlamaException("interrupted while waiting to retry", unwrap(e)));
                    return;
                }
                retries++;
                attempt(); // cancelled: completes the result as cancelled without sending
            });
        }
    }

    /** How one kind of call reads bodies: a success body as {@code T}, any other body as at most 1 MB of bytes. */
    private interface Bodies<T> {
        HttpResponse.BodyHandler<T> handler();

        byte[] errorBytes(T body);

        void discard(T body);
    }

    /** Whole bodies in memory; the exchange (body included) is bounded by the attempt's timeout. */
    private static final Bodies<byte[]> BYTES = new Bodies<>() {
        @Override
        public HttpResponse.BodyHandler<byte[]> handler() {
            return info -> info.statusCode() / 100 == 2 ? HttpResponse.BodySubscribers.ofByteArray()
                    : new CappedBodySubscriber(MAX_ERROR_BODY_BYTES);
        }

        @Override
        public byte[] errorBytes(byte[] body) {
            return body;
        }

        @Override
        public void discard(byte[] body) {
        }
    };

    /**
     * A success body left open as a stream; an error or redirect body read whole (capped) before the attempt
     * completes, so that reading it is bounded by the attempt's timeout, never a blocking read.
     */
    private static final Bodies<InputStream> STREAM = new Bodies<>() {
        @Override
        public HttpResponse.BodyHandler<InputStream> handler() {
            return info -> info.statusCode() / 100 == 2 ? HttpResponse.BodySubscribers.ofInputStream()
                    : HttpResponse.BodySubscribers.mapping(new CappedBodySubscriber(MAX_ERROR_BODY_BYTES),
                            ByteArrayInputStream::new);
        }

        @Override
        public byte[] errorBytes(InputStream body) {
            try (InputStream in = body) {
                return in.readAllBytes(); // an in-memory stream: never blocks
            } catch (IOException e) {
                return new byte[0];
            }
        }

        @Override
        public void discard(InputStream body) {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing cancels the exchange; nothing else to free
            }
        }
    };

    private static LlamaConnectionException toConnectionException(HttpRequest request, Throwable cause, Duration timeout) {
        URI uri = request.uri();
        if (cause instanceof HttpConnectTimeoutException) {
            return new LlamaTimeoutException("connect timed out to " + uri.getHost() + ":" + port(uri), cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new LlamaTimeoutException("request timed out after " + timeout.toMillis() + " ms", cause);
        }
        if (cause instanceof IOException) {
            return new LlamaConnectionException("connection to " + uri.getHost() + ":" + port(uri) + " failed: "
                    + describe(cause), cause);
        }
        return new LlamaConnectionException("request failed: " + describe(cause), cause);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static String requestId(HttpHeaders headers) {
        return headers.firstValue("x-request-id").or(() -> headers.firstValue("request-id")).orElse(null);
    }

    static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
