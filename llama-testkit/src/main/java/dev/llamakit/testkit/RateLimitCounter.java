package dev.llamakit.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fills the four {@code x-ratelimit-*} headers. Nothing is enforced: remaining = limit minus what
 * the chat replies served so far consumed (one request each, their total tokens), floored at 0.
 */
final class RateLimitCounter {

    private final long tokenLimit;
    private final long requestLimit;
    private long tokensUsed;
    private long requestsUsed;

    RateLimitCounter(long tokenLimit, long requestLimit) {
        this.tokenLimit = tokenLimit;
        this.requestLimit = requestLimit;
    }

    /** Counts one served chat reply of {@code totalTokens} tokens. */
    synchronized void consume(long totalTokens) {
        requestsUsed++;
        tokensUsed += totalTokens;
    }

    /** The four headers, reflecting what was consumed so far. */
    synchronized Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-tokens", Long.toString(tokenLimit));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, tokenLimit - tokensUsed)));
        headers.put("x-ratelimit-limit-requests", Long.toString(requestLimit));
        headers.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, requestLimit - requestsUsed)));
        return headers;
    }
}
