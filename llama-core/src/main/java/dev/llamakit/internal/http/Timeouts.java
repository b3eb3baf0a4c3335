package dev.llamakit.internal.http;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client's timeouts: one mechanism per scope, and the one timer thread they run on.
 *
 * <table>
 * <caption>Timeout scopes</caption>
 * <tr><th>scope</th><th>bounds</th><th>mechanism</th><th>failure</th></tr>
 * <tr><td>connect</td><td>opening one TCP (and TLS) connection</td>
 *     <td>the JDK client's {@code connectTimeout} (builder {@code connectTimeout}, default 5 s)</td>
 *     <td>{@code LlamaTimeoutException}, retried</td></tr>
 * <tr><td>attempt</td><td>one attempt's exchange: for a call, the whole response, body included; for a stream,
 *     the status line, the headers and (on an error status) the error body</td>
 *     <td>{@link #attempt}: a task on this timer cancels the exchange (for a blocking call, {@link #interruptAfter}
 *     interrupts its {@code send}, which cancels it) (builder or per-call {@code timeout}, default 60 s)</td><td>{@code LlamaTimeoutException}, retried</td></tr>
 * <tr><td>idle</td><td>each wait for data of an open stream body, so that a generation of any length is never
 *     cut but a stalled one is</td><td>{@link #idle}: one watchdog per stream on this timer closes the body
 *     (the same {@code timeout})</td><td>{@code TruncatedStreamException} caused by a
 *     {@code LlamaTimeoutException}; reopened only before the first event</td></tr>
 * </table>
 *
 * <p>Nothing else bounds time: no JDK request timeout is set (from JDK 26 it would also cover a streamed body),
 * a blocking call waits on its call's future without a deadline of its own (the attempt timeout ends it), and the
 * waits between retries are the {@code Sleeper}'s, ended early by cancellation. A cancelled timer task is removed
 * at once, so that a finished call is not kept reachable until its timeout would have fired. The thread is a
 * daemon: it never keeps the JVM alive. Internal.
 */
final class Timeouts {
    private static final ScheduledThreadPoolExecutor TIMER = create();

    private Timeouts() {
    }

    /**
     * Bounds one attempt: cancels {@code exchange} when it has not completed within {@code timeout}. The deadline
     * is cleared when the exchange completes.
     */
    static AttemptDeadline attempt(CompletableFuture<?> exchange, Duration timeout) {
        AttemptDeadline deadline = new AttemptDeadline();
        deadline.task = TIMER.schedule(() -> {
            deadline.expired = true;
            exchange.cancel(true);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        exchange.whenComplete((r, e) -> deadline.task.cancel(false));
        return deadline;
    }

    /**
     * Bounds one attempt of a blocking call, made on {@code thread} with the JDK client's {@code send}: interrupts
     * the thread (which cancels the exchange) when {@link Interrupter#finish()} has not been called within
     * {@code timeout}.
     */
    static Interrupter interruptAfter(Thread thread, Duration timeout) {
        Interrupter interrupter = new Interrupter(thread);
        interrupter.task = TIMER.schedule(interrupter::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return interrupter;
    }

    /** Bounds each wait for data of {@code body}: closes it when one read waits longer than {@code timeout}. */
    static IdleTimeoutInputStream idle(InputStream body, Duration timeout) {
        return new IdleTimeoutInputStream(body, timeout);
    }

    /** Runs {@code task} every {@code periodNanos}; cancel the result to stop it. For the idle watchdog. */
    static ScheduledFuture<?> every(Runnable task, long periodNanos) {
        return TIMER.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Tasks waiting to run; for tests that check nothing is left behind. */
    static int pending() {
        return TIMER.getQueue().size();
    }

    /** The deadline of one attempt. */
    static final class AttemptDeadline {
        private volatile boolean expired;
        private volatile ScheduledFuture<?> task;

        private AttemptDeadline() {
        }

        /** Whether the attempt was cancelled because its time ran out. */
        boolean expired() {
            return expired;
        }
    }

    /**
     * The deadline of one blocking attempt. The timer interrupts the thread only while the attempt runs: once
     * {@link #finish()} returned, the thread is never interrupted by it, and an interrupt it made is cleared.
     */
    static final class Interrupter {
        private final Thread thread;
        private volatile ScheduledFuture<?> task;
        private boolean finished;
        private boolean expired;

        private Interrupter(Thread thread) {
            this.thread = thread;
        }

        private synchronized void expire() {
            if (!finished) {
                expired = true;
                thread.interrupt();
            }
        }

        /**
         * Ends the attempt, on the attempt's thread: whether its time ran out (then the interrupt it caused, if not
         * consumed yet, is cleared).
         */
        synchronized boolean finish() {
            finished = true;
            task.cancel(false);
            if (expired) {
                Thread.interrupted();
            }
            return expired;
        }
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
