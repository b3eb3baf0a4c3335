package dev.llamakit.internal.http;

import dev.llamakit.client.LlamaConfigurationException;
import dev.llamakit.client.LlamaConnectionException;
import dev.llamakit.client.LlamaException;
import dev.llamakit.client.LlamaTimeoutException;
import dev.llamakit.client.RequestOptions;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one logical request: builds the HTTP request with the client's headers, runs attempts with the
 * retry policy, logs each attempt at debug (method, path, status, attempt, duration; never the key), and
 * maps failures to typed exceptions. Internal.
 */
public final class HttpCaller {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.http");

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

    /**
     * Sends {@code method path} with an optional JSON body and returns the 2xx response.
     *
     * @throws dev.llamakit.client.LlamaApiException on an error status after retries
     * @throws LlamaConnectionException when the server cannot be reached after retries
     */
    public RawResponse send(String method, String path, String jsonBody, RequestOptions options) {
        HttpRequest request = buildRequest(method, path, jsonBody, options);
        int maxRetries = options.maxRetries().orElse(config.maxRetries());
        Duration timeout = options.timeout().orElse(config.timeout());
        String target = request.uri().getRawPath();
        for (int retries = 0; ; retries++) {
            int attempt = retries + 1;
            long started = System.nanoTime();
            HttpResponse<byte[]> response;
            try {
                response = sendOnce(request, timeout);
            } catch (LlamaConnectionException e) {
                long ms = elapsedMillis(started);
                if (retries < maxRetries) {
                    Duration wait = retryPolicy.delay(retries, null);
                    LOG.debug("{} {} failed ({}) on attempt {} after {} ms; retrying in {} ms",
                            method, target, e.getMessage(), attempt, ms, wait.toMillis());
                    pause(wait);
                    continue;
                }
                LOG.debug("{} {} failed ({}) on attempt {} after {} ms; giving up", method, target, e.getMessage(), attempt, ms);
                throw e;
            }
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            String requestId = requestId(headers);
            LOG.debug("{} {} -> {} (attempt {}, {} ms, request id {})",
                    method, target, status, attempt, elapsedMillis(started), requestId);
            if (status >= 200 && status < 300) {
                return new RawResponse(status, headers, response.body(), requestId);
            }
            if (retries < maxRetries && retryPolicy.shouldRetry(status, headers)) {
                Duration wait = retryPolicy.delay(retries, headers);
                LOG.debug("{} {} retrying in {} ms", method, target, wait.toMillis());
                pause(wait);
                continue;
            }
            String body = new String(response.body(), StandardCharsets.UTF_8);
            throw ErrorMapper.toException(status, requestId, body, retryPolicy.retryAfter(headers).orElse(null));
        }
    }

    private HttpRequest buildRequest(String method, String path, String jsonBody, RequestOptions options) {
        URI uri = URI.create(config.baseUrl() + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(options.timeout().orElse(config.timeout()))
                .header("Accept", "application/json")
                .header("User-Agent", config.userAgent());
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // h2c upgrade requests confuse some local servers; HTTP/2 is still used over TLS.
            b.version(HttpClient.Version.HTTP_1_1);
        }
        if (config.apiKey() != null) {
            b.header("Authorization", "Bearer " + config.apiKey().reveal());
        } else if (config.dialect() == dev.llamakit.client.Dialect.LLAMA) {
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

    /** One attempt, bounded by {@code timeout} for the whole exchange, body included. */
    private HttpResponse<byte[]> sendOnce(HttpRequest request, Duration timeout) {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
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
            Throwable cause = e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                throw new LlamaTimeoutException("connect timed out to " + request.uri().getHost() + ":" + port(request.uri()), cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw new LlamaTimeoutException("request timed out after " + timeout.toMillis() + " ms", cause);
            }
            if (cause instanceof IOException) {
                throw new LlamaConnectionException("connection to " + request.uri().getHost() + ":" + port(request.uri())
                        + " failed: " + describe(cause), cause);
            }
            throw new LlamaConnectionException("request failed: " + describe(cause), cause);
        }
    }

    private void pause(Duration wait) {
        try {
            config.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaException("interrupted while waiting to retry", e);
        }
    }

    private static String requestId(HttpHeaders headers) {
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
}
