package dev.llamakit.client.error;

import dev.llamakit.client.ChatResponse;

/**
 * A stream was closed (for example from another thread, when the user pressed Ctrl-C) before it ended; iterating
 * or collecting it fails with this rather than returning a reply that looks complete. {@link #partial()} holds what
 * arrived. A {@link dev.llamakit.memory.Conversation} records no answer for such a turn.
 */
public class StreamCancelledException extends LlamaException {
    private final transient ChatResponse partial;

    public StreamCancelledException(String message, ChatResponse partial) {
        super(message);
        this.partial = partial;
    }

    /** The reply as far as it arrived before the stream was closed. */
    public ChatResponse partial() {
        return partial;
    }
}
