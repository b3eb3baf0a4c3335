package dev.llamakit.internal.http;

import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.LlamaTimeoutException;
import dev.llamakit.client.RequestOptions;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one logical request: builds the HTTP request with the client's headers ({@link RequestFactory}), runs
 * attempts under the retry policy, follows same-origin redirects itself (never carrying credentials to another
 * origin), logs each attempt at debug (method, path, status, attempt, duration; never a header value), and maps
 * failures to typed exceptions.
 *
 * <p>There is one attempt loop, asynchronous; the blocking calls wait for it. Every attempt is bounded by the
 * timeout: a call without a streamed body for its whole exchange, a stream for its status line, headers and (on
 * an error status) its error body; a stream's body is then bounded by idleness only. Once the call's
 * {@link Cancellation} fires, no further request is sent. Internal.
 */
public final class HttpCaller {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.http");
    private static final int MAX_ERROR_BODY_BYTES = 1024 * 1024;
    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final ClientConfig config;
    private final RequestFactory requests;
    private final RetryPolicy retryPolicy;

    public HttpCaller(HttpClient http, ClientConfig config) {
        this.http = http;
        this.config = config;
        this.requests = new RequestFactory(config);
        this.retryPolicy = new RetryPolicy(config.clock(), config.random());
    }

    /** The shared JDK client (for deriving clients that share its connection pool). */
    public HttpClient httpClient() {
        return http;
    }

    /** The retry policy, for callers that retry on their own (a stream broken before its first event). */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The number of retries allowed for a call with these options. */
    public int maxRetries(RequestOptions options) {
        return options.maxRetries().orElse(config.maxRetries());
    }

    /** The timeout of one attempt with these options. */
    public Duration timeout(RequestOptions options) {
        return options.timeout().orElse(config.timeout());
    }

    /**
     * Sends {@code method path} with an optional JSON body and returns the 2xx response.
     *
     * @throws dev.llamakit.client.error.LlamaApiException on an error status after retries
     * @throws LlamaConnectionException when the server cannot be reached after retries
     */
    public RawResponse send(String method, String path, String jsonBody, RequestOptions options, AttemptListener listener) {
        Cancellation cancellation = new Cancellation();
        return await(sendAsync(method, path, jsonBody, options, listener, cancellation), cancellation);
    }

    /**
     * As {@link #send}, without blocking a thread: attempts and retry waits are chained. Cancelling the returned
     * future cancels the exchange in flight (or the wait for a retry), and no further attempt is made.
     */
    public CompletableFuture<RawResponse> sendAsync(String method, String path, String jsonBody, RequestOptions options,
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

    private CompletableFuture<RawResponse> sendAsync(String method, String path, String jsonBody, RequestOptions options,
                                                     AttemptListener listener, Cancellation cancellation) {
        HttpRequest request;
        try {
            request = requests.build(method, path, jsonBody, options, "application/json");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Call<byte[]> call = new Call<>(request, BYTES, options, listener, cancellation);
        call.attempt();
        return call.result.thenApply(r -> new RawResponse(r.statusCode(), r.headers(), r.body(), requestId(r.headers())));
    }

    /**
     * Sends a streaming request ({@code Accept: text/event-stream}) and returns once a 2xx status and headers
     * arrived, with the body open. Error statuses are retried as for {@link #send}; a stalled body fails after
     * the timeout of no data.
     *
     * @throws CancellationException when {@code cancellation} fired before the headers arrived
     */
    public StreamResponse openStream(String path, String jsonBody, RequestOptions options, AttemptListener listener,
                                     Cancellation cancellation) {
        HttpRequest request = requests.build("POST", path, jsonBody, options, "text/event-stream");
        Call<InputStream> call = new Call<>(request, STREAM, options, listener, cancellation);
        call.attempt();
        HttpResponse<InputStream> response = await(call.result, cancellation);
        StreamResponse stream = new StreamResponse(new IdleTimeoutInputStream(response.body(), timeout(options)),
                response.headers(), requestId(response.headers()));
        if (cancellation.isCancelled()) {
            stream.close();
            throw new CancellationException("the call was cancelled");
        }
        cancellation.onCancel(stream::close);
        return stream;
    }

    /**
     * Waits {@code wait} for a retry unless the call is cancelled first.
     *
     * @throws CancellationException when it was
     */
    public void pause(Duration wait, Cancellation cancellation) {
        CompletableFuture<Void> pause = config.sleeper().delay(wait);
        cancellation.onCancel(() -> pause.cancel(false));
        await(pause, cancellation);
        if (cancellation.isCancelled()) {
            throw new CancellationException("the call was cancelled");
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

    /** One logical call: its attempts, redirects and retry waits, completing {@link #result}. */
    private final class Call<T> {
        final CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
        private final Bodies<T> bodies;
        private final RequestOptions options;
        private final AttemptListener listener;
        private final Cancellation cancellation;
        private final Duration timeout;
        private HttpRequest request;
        private int retries;
        private int redirects;

        Call(HttpRequest request, Bodies<T> bodies, RequestOptions options, AttemptListener listener, Cancellation cancellation) {
            this.request = request;
            this.bodies = bodies;
            this.options = options;
            this.listener = listener;
            this.cancellation = cancellation;
            this.timeout = timeout(options);
            cancellation.onCancel(() -> result.cancel(false));
        }

        void attempt() {
            if (result.isDone() || cancellation.isCancelled()) {
                result.cancel(false);
                return;
            }
            long started = System.nanoTime();
            AtomicBoolean timedOut = new AtomicBoolean();
            CompletableFuture<HttpResponse<T>> exchange;
            try {
                exchange = http.sendAsync(request, bodies.handler());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            ScheduledFuture<?> timer = Timers.schedule(() -> {
                timedOut.set(true);
                exchange.cancel(true);
            }, timeout);
            result.whenComplete((r, e) -> {
                if (result.isCancelled()) {
                    exchange.cancel(true);
                }
            });
            exchange.whenComplete((response, error) -> {
                timer.cancel(false);
                try {
                    onAttemptDone(response, error, timedOut.get(), started);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
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
                if (retries < maxRetries(options)) {
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
            if (retries < maxRetries(options) && retryPolicy.shouldRetry(status, headers)) {
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
