package dev.llamakit.internal.http;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to retry and how long to wait, as the official Llama SDKs do: connection failures, 408, 409, 429
 * and 5xx are retried; {@code x-should-retry} overrides; {@code retry-after-ms} / {@code Retry-After}
 * (seconds or an HTTP date) are honoured when more than 0 and at most 60 s; otherwise (zero, negative, past,
 * too long or unreadable) exponential backoff 0.5 s·2ⁿ capped at 8 s, reduced by up to 25 % jitter. Internal.
 */
final class RetryPolicy {
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    static final double INITIAL_DELAY_SECONDS = 0.5;
    static final double MAX_DELAY_SECONDS = 8.0;

    private final Clock clock;
    private final DoubleSupplier random;

    RetryPolicy(Clock clock, DoubleSupplier random) {
        this.clock = clock;
        this.random = random;
    }

    /** Whether a response with this status and these headers may be retried. */
    boolean shouldRetry(int status, HttpHeaders headers) {
        Optional<String> override = headers.firstValue("x-should-retry");
        if (override.isPresent()) {
            if (override.get().equalsIgnoreCase("true")) {
                return true;
            }
            if (override.get().equalsIgnoreCase("false")) {
                return false;
            }
        }
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * How long to wait before the next attempt.
     *
     * @param retriesSoFar retries already made (0 before the first retry)
     * @param headers the failed response's headers, or {@code null} after a connection failure
     */
    Duration delay(int retriesSoFar, HttpHeaders headers) {
        if (headers != null) {
            Optional<Duration> asked = retryAfter(headers);
            if (asked.isPresent() && usable(asked.get())) {
                return asked.get();
            }
        }
        double seconds = Math.min(INITIAL_DELAY_SECONDS * Math.pow(2, retriesSoFar), MAX_DELAY_SECONDS);
        double jitter = 1 - 0.25 * random.getAsDouble();
        return Duration.ofNanos((long) (seconds * jitter * 1_000_000_000L));
    }

    /** As the official SDKs: a wait is honoured only when {@code 0 < wait <= 60 s}; 0 would retry at once. */
    private static boolean usable(Duration asked) {
        return !asked.isNegative() && !asked.isZero() && asked.compareTo(MAX_RETRY_AFTER) <= 0;
    }

    /** The wait the server asked for in {@code retry-after-ms} or {@code Retry-After}, if any is readable. */
    Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Optional.of(Duration.ofNanos((long) (Double.parseDouble(ms.get().trim()) * 1_000_000)));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        Optional<String> value = headers.firstValue("retry-after");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().trim();
        try {
            return Optional.of(Duration.ofNanos((long) (Double.parseDouble(v) * 1_000_000_000L)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(Duration.between(clock.instant(), at));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
