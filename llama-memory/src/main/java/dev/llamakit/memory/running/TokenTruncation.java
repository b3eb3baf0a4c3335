package dev.llamakit.memory.running;

import dev.llamakit.tokens.TokenCounter;

/**
 * Shortens text to a token cap: at the last sentence end within the cap, or, when that would drop more than half
 * of what fits, at the last word boundary followed by an ellipsis ({@code …}).
 */
final class TokenTruncation {
    static final String ELLIPSIS = "\u2026";

    private TokenTruncation() {
    }

    /** {@code text} (stripped) when it fits {@code maxTokens}, else its longest fitting head cut as described. */
    static String truncate(String text, int maxTokens, TokenCounter counter) {
        String t = text.strip();
        if (counter.count(t) <= maxTokens) {
            return t;
        }
        if (maxTokens <= 0) {
            return "";
        }
        int fit = longestFittingPrefix(t, maxTokens, counter);
        int sentence = lastSentenceEnd(t, fit);
        if (sentence > 0 && sentence >= fit / 2) {
            String cut = t.substring(0, sentence).strip();
            if (counter.count(cut) <= maxTokens) {
                return cut;
            }
        }
        int end = fit;
        while (end > 0) {
            int space = lastWhitespace(t, end);
            String cut = (space > 0 ? t.substring(0, space) : t.substring(0, end)).strip() + ELLIPSIS;
            if (counter.count(cut) <= maxTokens) {
                return cut;
            }
            end = space > 0 ? space - 1 : end - 1;
        }
        return "";
    }

    /**
     * {@code text} (stripped) in consecutive parts of at most {@code maxTokens} tokens each, together holding all of
     * it: each part ends at the last line or sentence end within the cap (when that keeps at least half of what fits),
     * else at the last word boundary, else where the cap falls. Nothing is dropped except whitespace between parts.
     */
    static java.util.List<String> split(String text, int maxTokens, TokenCounter counter) {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        String rest = text.strip();
        while (!rest.isEmpty()) {
            if (counter.count(rest) <= maxTokens) {
                parts.add(rest);
                break;
            }
            int fit = Math.max(1, longestFittingPrefix(rest, maxTokens, counter));
            int cut = lastSentenceEnd(rest, fit);
            if (cut < fit / 2) {
                int space = lastWhitespace(rest, fit);
                cut = space >= fit / 2 ? space : fit;
            }
            if (cut <= 0) {
                cut = fit;
            }
            if (cut < rest.length() && Character.isLowSurrogate(rest.charAt(cut)) && cut > 1) {
                cut--;
            }
            String part = rest.substring(0, cut).strip();
            if (!part.isEmpty()) {
                parts.add(part);
            }
            rest = rest.substring(cut).strip();
        }
        return parts;
    }

    /** The largest length whose prefix fits (token counts grow with the prefix, so a binary search finds it). */
    private static int longestFittingPrefix(String t, int maxTokens, TokenCounter counter) {
        int lo = 0;
        int hi = t.length();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (counter.count(t.substring(0, mid)) <= maxTokens) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (lo > 0 && lo < t.length() && Character.isHighSurrogate(t.charAt(lo - 1))) {
            lo--;
        }
        return lo;
    }

    /** The end (exclusive) of the last sentence that ends within {@code t[0, limit)} and is followed by a space or the end. */
    private static int lastSentenceEnd(String t, int limit) {
        for (int i = limit - 1; i > 0; i--) {
            char c = t.charAt(i);
            if (c == '\n') {
                return i;
            }
            if ((c == '.' || c == '!' || c == '?') && (i + 1 == t.length() || Character.isWhitespace(t.charAt(i + 1)))) {
                return i + 1;
            }
        }
        return -1;
    }

    private static int lastWhitespace(String t, int end) {
        for (int i = Math.min(end, t.length() - 1); i > 0; i--) {
            if (Character.isWhitespace(t.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
