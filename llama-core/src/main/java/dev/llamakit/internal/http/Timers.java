package dev.llamakit.internal.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of the client: attempt timeouts, stream idle watchdogs and error-body deadlines. A
 * cancelled task is removed at once, so that a finished call is not kept reachable until its timeout would
 * have fired. Daemon: it never keeps the JVM alive. Internal.
 */
final class Timers {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private Timers() {
    }

    /** Runs {@code task} once after {@code delay}; cancel the result when it is no longer needed. */
    static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code period}; cancel the result to stop it. */
    static ScheduledFuture<?> every(Runnable task, long periodNanos) {
        return TIMER.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Tasks waiting to run; for tests that check nothing is left behind. */
    static int pending() {
        return TIMER.getQueue().size();
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "llamakit-timer");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
