package dev.llamakit.internal.http;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The cancel signal of one call, shared by its attempts, its waits between retries and its stream. Once
 * cancelled, no further request is sent: the attempt loop checks it before each attempt, a wait for a retry
 * ends at once, and the exchange in flight is cancelled through {@link #onCancel}. Thread-safe. Internal.
 */
public final class Cancellation {
    private final CompletableFuture<Void> signal = new CompletableFuture<>();

    /** Cancels the call; idempotent. Runs the registered actions on the calling thread. */
    public void cancel() {
        signal.complete(null);
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return signal.isDone();
    }

    /** Runs {@code action} when the call is cancelled (at once when it already is). */
    public void onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        signal.thenRun(action);
    }

    /** A future that completes when the call is cancelled. */
    public CompletableFuture<Void> signal() {
        return signal.copy();
    }
}
