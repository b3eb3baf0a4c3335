package dev.llamakit.internal.http;

import java.time.Duration;

/** Told about each retry decision of one logical call. Internal. */
@FunctionalInterface
public interface AttemptListener {
    AttemptListener NONE = (attempt, wait, reason) -> { };

    /**
     * @param failedAttempt the attempt that failed (1 for the first)
     * @param wait how long the client waits before the next attempt
     * @param reason the status or the failure, in a few words
     */
    void onRetry(int failedAttempt, Duration wait, String reason);
}
