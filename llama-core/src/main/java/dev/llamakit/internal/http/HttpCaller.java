package dev.llamakit.internal.http;

import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaConfigurationException;
import dev.llamakit.client.LlamaConnectionException;
import dev.llamakit.client.LlamaException;
import dev.llamakit.client.LlamaTimeoutException;
import dev.llamakit.client.RequestOptions;
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
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one logical request: builds the HTTP request with the client's headers, runs attempts with the
 * retry policy, logs each attempt at debug (method, path, status, attempt, duration; never the key), and
 * maps failures to typed exceptions. Three shapes: blocking, async, and streaming (the body left open).
 * Internal.
 */
public final class HttpCaller {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.http");
    private static final int MAX_ERROR_BODY_BYTES = 1024 * 1024;

    private final HttpClient http;
    private final ClientConfig config;
    private final RetryPolicy retryPolicy;

    public HttpCaller(HttpClient http, ClientConfig config) {
        this.http = http;
        this.config = config;
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
     * @throws dev.llamakit.client.LlamaApiException on an error status after retries
     * @throws LlamaConnectionException when the server cannot be reached after retries
     */
    public RawResponse send(String method, String path, String jsonBody, RequestOptions options, AttemptListener listener) {
        HttpRequest request = buildRequest(method, path, jsonBody, options, "application/json");
        HttpResponse<byte[]> response = execute(request, HttpResponse.BodyHandlers.ofByteArray(), options, listener, body -> body);
        return new RawResponse(response.statusCode(), response.headers(), response.body(), requestId(response.headers()));
    }

    /**
     * Sends a streaming request ({@code Accept: text/event-stream}) and returns once a 2xx status and headers
     * arrived, with the body open. Error statuses are retried as for {@link #send}; a stalled body fails after
     * the timeout of no data.
     */
    public StreamResponse openStream(String path, String jsonBody, RequestOptions options, AttemptListener listener) {
        HttpRequest request = buildRequest("POST", path, jsonBody, options, "text/event-stream");
        HttpResponse<InputStream> response = execute(request, HttpResponse.BodyHandlers.ofInputStream(), options, listener,
                HttpCaller::drainErrorBody);
        return new StreamResponse(new IdleTimeoutInputStream(response.body(), timeout(options)), response.headers(),
                requestId(response.headers()));
    }

    /**
     * As {@link #send}, without blocking a thread: attempts and retry waits are chained. Cancelling the returned
     * future cancels the exchange in flight (or the wait for a retry).
     */
    public CompletableFuture<RawResponse> sendAsync(String method, String path, String jsonBody, RequestOptions options,
                                                    AttemptListener listener) {
        HttpRequest request;
        try {
            request = buildRequest(method, path, jsonBody, options, "application/json");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<RawResponse> result = new CompletableFuture<>();
        AtomicReference<Future<?>> inFlight = new AtomicReference<>();
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                Future<?> f = inFlight.get();
                if (f != null) {
                    f.cancel(true);
                }
            }
        });
        attemptAsync(request, options, listener, 0, result, inFlight);
        return result;
    }

    private void attemptAsync(HttpRequest request, RequestOptions options, AttemptListener listener, int retries,
                              CompletableFuture<RawResponse> result, AtomicReference<Future<?>> inFlight) {
        if (result.isDone()) {
            return;
        }
        Duration timeout = timeout(options);
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        inFlight.set(exchange);
        if (result.isCancelled()) {
            exchange.cancel(true);
            return;
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture<Void> timer = CompletableFuture.runAsync(() -> {
            timedOut.set(true);
            exchange.cancel(true);
        }, CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS));
        exchange.whenComplete((response, error) -> {
            timer.cancel(false);
            if (result.isDone()) {
                return;
            }
            int attempt = retries + 1;
            String target = request.uri().getRawPath();
            RuntimeException failure;
            if (error != null) {
                LlamaConnectionException connectionError = timedOut.get()
                        ? new LlamaTimeoutException("request timed out after " + timeout.toMillis() + " ms", unwrap(error))
                        : toConnectionException(request, unwrap(error), timeout);
                if (retries < maxRetries(options)) {
                    Duration wait = retryPolicy.delay(retries, null);
                    logRetry(request.method(), target, connectionError.getMessage(), attempt, started, wait);
                    scheduleRetry(request, options, listener, retries, result, inFlight, attempt, wait, connectionError.getMessage());
                    return;
                }
                failure = connectionError;
            } else {
                int status = response.statusCode();
                HttpHeaders headers = response.headers();
                LOG.debug("{} {} -> {} (attempt {}, {} ms, request id {})", request.method(), target, status, attempt,
                        elapsedMillis(started), requestId(headers));
                if (status >= 200 && status < 300) {
                    result.complete(new RawResponse(status, headers, response.body(), requestId(headers)));
                    return;
                }
                if (retries < maxRetries(options) && retryPolicy.shouldRetry(status, headers)) {
                    Duration wait = retryPolicy.delay(retries, headers);
                    LOG.debug("{} {} retrying in {} ms", request.method(), target, wait.toMillis());
                    scheduleRetry(request, options, listener, retries, result, inFlight, attempt, wait, "HTTP " + status);
                    return;
                }
                failure = ErrorMapper.toException(status, requestId(headers), new String(response.body(), StandardCharsets.UTF_8),
                        retryPolicy.retryAfter(headers).orElse(null));
            }
            result.completeExceptionally(failure);
        });
    }

    private void scheduleRetry(HttpRequest request, RequestOptions options, AttemptListener listener, int retries,
                               CompletableFuture<RawResponse> result, AtomicReference<Future<?>> inFlight,
                               int attempt, Duration wait, String reason) {
        listener.onRetry(attempt, wait, reason);
        CompletableFuture<Void> pause = config.sleeper().delay(wait);
        inFlight.set(pause);
        pause.whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e instanceof CancellationException ? e
                        : new LlamaException("interrupted while waiting to retry", unwrap(e)));
            } else {
                attemptAsync(request, options, listener, retries + 1, result, inFlight);
            }
        });
    }

    /** The blocking attempt loop shared by {@link #send} and {@link #openStream}. */
    private <T> HttpResponse<T> execute(HttpRequest request, HttpResponse.BodyHandler<T> handler, RequestOptions options,
                                        AttemptListener listener, ErrorBodyReader<T> errorBody) {
        int maxRetries = maxRetries(options);
        Duration timeout = timeout(options);
        String method = request.method();
        String target = request.uri().getRawPath();
        for (int retries = 0; ; retries++) {
            int attempt = retries + 1;
            long started = System.nanoTime();
            HttpResponse<T> response;
            try {
                response = sendOnce(request, handler, timeout);
            } catch (LlamaConnectionException e) {
                if (retries < maxRetries) {
                    Duration wait = retryPolicy.delay(retries, null);
                    logRetry(method, target, e.getMessage(), attempt, started, wait);
                    listener.onRetry(attempt, wait, e.getMessage());
                    pause(wait);
                    continue;
                }
                LOG.debug("{} {} failed ({}) on attempt {} after {} ms; giving up", method, target, e.getMessage(), attempt,
                        elapsedMillis(started));
                throw e;
            }
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            String requestId = requestId(headers);
            LOG.debug("{} {} -> {} (attempt {}, {} ms, request id {})", method, target, status, attempt,
                    elapsedMillis(started), requestId);
            if (status >= 200 && status < 300) {
                return response;
            }
            byte[] body = errorBody.read(response.body());
            if (retries < maxRetries && retryPolicy.shouldRetry(status, headers)) {
                Duration wait = retryPolicy.delay(retries, headers);
                LOG.debug("{} {} retrying in {} ms", method, target, wait.toMillis());
                listener.onRetry(attempt, wait, "HTTP " + status);
                pause(wait);
                continue;
            }
            throw ErrorMapper.toException(status, requestId, new String(body, StandardCharsets.UTF_8),
                    retryPolicy.retryAfter(headers).orElse(null));
        }
    }

    private HttpRequest buildRequest(String method, String path, String jsonBody, RequestOptions options, String accept) {
        URI uri = URI.create(config.baseUrl() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout(options))
                .header("Accept", accept)
                .header("User-Agent", config.userAgent());
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // h2c upgrade requests confuse some local servers; HTTP/2 is still used over TLS.
            b.version(HttpClient.Version.HTTP_1_1);
        }
        if (config.apiKey() != null) {
            b.header("Authorization", "Bearer " + config.apiKey().reveal());
        } else if (config.dialect() == Dialect.LLAMA) {
            throw new LlamaConfigurationException("No API key for the Llama API: set the LLAMA_API_KEY environment variable "
                    + "or call LlamaClient.builder().apiKey(...). (OpenAI-compatible servers that need no key: use "
                    + "dialect(Dialect.OPENAI).)");
        }
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            b.setHeader(h.getKey(), h.getValue());
        }
        for (Map.Entry<String, String> h : options.headers().entrySet()) {
            b.setHeader(h.getKey(), h.getValue());
        }
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** One attempt, bounded by {@code timeout} (for byte bodies: the whole exchange; for streams: the headers). */
    private <T> HttpResponse<T> sendOnce(HttpRequest request, HttpResponse.BodyHandler<T> handler, Duration timeout) {
        CompletableFuture<HttpResponse<T>> future = http.sendAsync(request, handler);
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new LlamaTimeoutException("request timed out after " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlamaException("interrupted while waiting for the server", e);
        } catch (ExecutionException e) {
            throw toConnectionException(request, e.getCause(), timeout);
        }
    }

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

    /** Waits with the client's sleeper before a retry. */
    public void pause(Duration wait) {
        try {
            config.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaException("interrupted while waiting to retry", e);
        }
    }

    private static void logRetry(String method, String target, String reason, int attempt, long started, Duration wait) {
        LOG.debug("{} {} failed ({}) on attempt {} after {} ms; retrying in {} ms", method, target, reason, attempt,
                elapsedMillis(started), wait.toMillis());
    }

    /** Reads at most 1 MB of an error body from a stream and closes it. */
    private static byte[] drainErrorBody(InputStream body) {
        try (InputStream in = body) {
            return in.readNBytes(MAX_ERROR_BODY_BYTES);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static Throwable unwrap(Throwable t) {
        return (t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null ? t.getCause() : t;
    }

    static String requestId(HttpHeaders headers) {
        return headers.firstValue("x-request-id").or(() -> headers.firstValue("request-id")).orElse(null);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Reads the body of an error response into bytes. */
    @FunctionalInterface
    private interface ErrorBodyReader<T> {
        byte[] read(T body);
    }
}
