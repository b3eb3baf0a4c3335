package dev.llamakit.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic default chat reply: {@code "Echo: " + <text of the last user message>}
 * (trimmed; just {@code "Echo:"} when there is none). When the request sets
 * {@code max_completion_tokens} (or, failing that, {@code max_tokens}) below the reply's word count,
 * the reply is cut after that many words and the stop reason is {@code length}.
 */
final class DefaultReply {

    private static final Pattern WORD = Pattern.compile("\\S+");

    /**
     * The reply text and stop reason.
     *
     * @param text       the reply text
     * @param stopReason {@code stop} or {@code length}
     */
    record Result(String text, String stopReason) {
    }

    private DefaultReply() {
    }

    static Result of(String lastUserText, Long maxTokens) {
        String text = ("Echo: " + lastUserText).strip();
        if (maxTokens == null || Tokens.words(text) <= maxTokens) {
            return new Result(text, "stop");
        }
        return new Result(firstWords(text, maxTokens), "length");
    }

    /** The prefix of {@code text} that ends with its {@code n}-th word, keeping the original spacing. */
    static String firstWords(String text, long n) {
        Matcher words = WORD.matcher(text);
        int end = 0;
        for (long i = 0; i < n && words.find(); i++) {
            end = words.end();
        }
        return text.substring(0, end);
    }
}
