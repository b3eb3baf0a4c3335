package dev.llamakit.client.error;

import java.time.Duration;
import java.util.Optional;

/** Too many requests or tokens (429); retried by default. Carries the server's {@code Retry-After}, if any. */
public class RateLimitException extends LlamaApiException {
    private final Duration retryAfter;

    public RateLimitException(int status, String requestId, String serverMessage, String body, Duration retryAfter) {
        super(status, requestId, serverMessage, body);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked to wait, from {@code retry-after-ms} or {@code Retry-After}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
