package dev.llamakit.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Settings for one call that override the client's: timeout, retries, extra headers.
 *
 * <pre>{@code
 * client.chat(request, RequestOptions.builder().timeout(Duration.ofSeconds(120)).maxRetries(5).build());
 * }</pre>
 */
public final class RequestOptions {
    /** No overrides. */
    public static final RequestOptions NONE = builder().build();

    private final Duration timeout;
    private final Integer maxRetries;
    private final Map<String, String> headers;

    private RequestOptions(Builder b) {
        this.timeout = b.timeout;
        this.maxRetries = b.maxRetries;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Time allowed for one attempt (request and whole response), when overridden. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** Retries after the first attempt, when overridden. */
    public OptionalInt maxRetries() {
        return maxRetries == null ? OptionalInt.empty() : OptionalInt.of(maxRetries);
    }

    /** Extra headers for this call; they win over the client's extra headers. */
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "RequestOptions[timeout=" + timeout + ", maxRetries=" + maxRetries + ", headers=" + headers.keySet() + "]";
    }

    /** Builds {@link RequestOptions}. */
    public static final class Builder {
        private Duration timeout;
        private Integer maxRetries;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Settings.requirePositive(timeout, "timeout");
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = Settings.requireNonNegative(maxRetries, "maxRetries");
            return this;
        }

        /** Adds a header; {@code Authorization} cannot be set this way (use the client's API key). */
        public Builder header(String name, String value) {
            Settings.requireHeaderName(name);
            dev.llamakit.internal.http.HeaderValues.requireValidValue(name, Objects.requireNonNull(value, "value"));
            headers.put(name, value);
            return this;
        }

        public RequestOptions build() {
            return new RequestOptions(this);
        }
    }

    /** Shared argument checks for client and request settings. */
    static final class Settings {
        private Settings() {
        }

        static Duration requirePositive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        static int requireNonNegative(int n, String what) {
            if (n < 0) {
                throw new IllegalArgumentException(what + " must not be negative, got " + n);
            }
            return n;
        }

        static String requireHeaderName(String name) {
            Objects.requireNonNull(name, "name");
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("authorization")) {
                throw new IllegalArgumentException("set the API key with apiKey(...), not as an Authorization header");
            }
            if (name.isBlank()) {
                throw new IllegalArgumentException("header name must not be blank");
            }
            return name;
        }
    }
}
