package dev.llamakit.client;

import java.util.OptionalLong;

/**
 * The rate-limit headers of a response ({@code x-ratelimit-limit-tokens}, {@code x-ratelimit-remaining-tokens},
 * {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests}). Each is empty when absent.
 */
public record RateLimits(OptionalLong limitTokens, OptionalLong remainingTokens,
                         OptionalLong limitRequests, OptionalLong remainingRequests) {

    /** No rate-limit headers. */
    public static final RateLimits NONE =
            new RateLimits(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

    /** Whether any of the headers was present. */
    public boolean isPresent() {
        return limitTokens.isPresent() || remainingTokens.isPresent()
                || limitRequests.isPresent() || remainingRequests.isPresent();
    }
}
