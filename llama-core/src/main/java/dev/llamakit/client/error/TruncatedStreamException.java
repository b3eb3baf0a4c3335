package dev.llamakit.client.error;

import dev.llamakit.client.ChatResponse;

/**
 * A streamed reply ended before its end marker (a native {@code complete} event, or OpenAI's
 * {@code finish_reason} / {@code [DONE]}). {@link #partial()} holds what arrived.
 */
public class TruncatedStreamException extends LlamaConnectionException {
    private final transient ChatResponse partial;

    public TruncatedStreamException(String message, ChatResponse partial, Throwable cause) {
        super(message, cause);
        this.partial = partial;
    }

    /** The reply as far as it arrived: its text, tool calls and usage so far; stop reason {@code OTHER}. */
    public ChatResponse partial() {
        return partial;
    }
}
