package dev.llamakit.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits between retries. Replace it in tests so that they never wait for real. */
@FunctionalInterface
public interface Sleeper {
    /** Real time: blocks for sync calls, and schedules without blocking a thread for async calls. */
    Sleeper SYSTEM = new Sleeper() {
        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }

        @Override
        public CompletableFuture<Void> delay(Duration duration) {
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(duration.toNanos(), TimeUnit.NANOSECONDS));
        }

        @Override
        public String toString() {
            return "Sleeper.SYSTEM";
        }
    };

    /** Sleeps on the calling thread. */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * A future that completes after {@code duration}, for async calls. The default calls {@link #sleep} on the
     * calling thread, which suits recording sleepers in tests; override it for a real non-blocking wait.
     */
    default CompletableFuture<Void> delay(Duration duration) {
        try {
            sleep(duration);
            return CompletableFuture.completedFuture(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
    }
}
