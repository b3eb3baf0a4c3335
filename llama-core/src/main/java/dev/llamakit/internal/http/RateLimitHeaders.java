package dev.llamakit.internal.http;

import dev.llamakit.client.RateLimits;
import java.net.http.HttpHeaders;
import java.util.OptionalLong;

/** Reads the {@code x-ratelimit-*} headers. Internal. */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    public static RateLimits read(HttpHeaders headers) {
        return new RateLimits(
                longHeader(headers, "x-ratelimit-limit-tokens"),
                longHeader(headers, "x-ratelimit-remaining-tokens"),
                longHeader(headers, "x-ratelimit-limit-requests"),
                longHeader(headers, "x-ratelimit-remaining-requests"));
    }

    private static OptionalLong longHeader(HttpHeaders headers, String name) {
        return headers.firstValue(name).map(v -> {
            try {
                return OptionalLong.of(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }).orElse(OptionalLong.empty());
    }
}
