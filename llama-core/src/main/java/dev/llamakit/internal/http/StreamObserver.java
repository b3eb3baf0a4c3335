package dev.llamakit.internal.http;

import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStreamEvent;

/**
 * Told how a stream goes, for listeners. A stream may report its outcome more than once (for example a failure,
 * then the close that follows it); implementations keep the first and ignore the rest. Internal.
 */
interface StreamObserver extends AttemptListener {
    /** An event was delivered to the caller (the observer notes the first text or tool-call fragment). */
    void onEvent(ChatStreamEvent event);

    /** The stream ended with its end marker; {@code response} is the collected reply. */
    void onComplete(ChatResponse response);

    /** The stream failed (or was closed early: {@code error} is then {@code null}). */
    void onError(Throwable error);
}
