package dev.llamakit.apps;

/**
 * A text too long for what was asked of it, found before anything was sent or computed: the message says, in the
 * user's words, how long it is, the limit and what to do instead. An {@link IllegalStateException}, as the token
 * budget's failures have always been.
 */
public final class TextTooLongException extends IllegalStateException {
    private final long tokens;
    private final long limit;

    public TextTooLongException(String message, long tokens, long limit) {
        super(message);
        this.tokens = tokens;
        this.limit = limit;
    }

    /** The estimated tokens of the text (or of all the work it needs). */
    public long tokens() {
        return tokens;
    }

    /** The limit it went over. */
    public long limit() {
        return limit;
    }
}
