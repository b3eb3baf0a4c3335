package dev.llamakit.internal.http;

import dev.llamakit.client.ChatResponse;

/** Told how a stream goes, for listeners. Internal. */
public interface StreamObserver extends AttemptListener {
    /** The first text or tool-call fragment arrived. */
    void onFirstToken();

    /** The stream ended with its end marker; {@code response} is the collected reply. */
    void onComplete(ChatResponse response);

    /** The stream failed (or was closed early: {@code error} is then {@code null}). */
    void onError(Throwable error);
}
