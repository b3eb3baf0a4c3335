package dev.llamakit.internal.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The idle scope of {@link Timeouts}: closes the underlying stream when one read waits longer than the timeout, so that a stalled stream
 * fails instead of hanging. Closing the JDK's response stream cancels the HTTP exchange.
 *
 * <p>Reads cost two volatile writes: one watchdog task per stream, running a few times per timeout period,
 * checks how long the current read has been waiting. (Scheduling a timer per read costs far more on a stream of
 * small events.) The timeout is therefore enforced to within a quarter of its length. Internal.
 */
final class IdleTimeoutInputStream extends FilterInputStream {
    private static final long NOT_READING = Long.MIN_VALUE;

    private final long timeoutNanos;
    private final ScheduledFuture<?> watchdog;
    private volatile long readStartedNanos = NOT_READING;
    private volatile boolean timedOut;

    IdleTimeoutInputStream(InputStream in, Duration timeout) {
        super(in);
        this.timeoutNanos = timeout.toNanos();
        long period = Math.max(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(10));
        this.watchdog = Timeouts.every(this::check, period);
    }

    /** Whether the stream was closed because a read waited too long. */
    boolean timedOut() {
        return timedOut;
    }

    @Override
    public int read() throws IOException {
        readStartedNanos = System.nanoTime();
        try {
            return super.read();
        } finally {
            readStartedNanos = NOT_READING;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        readStartedNanos = System.nanoTime();
        try {
            return super.read(b, off, len);
        } finally {
            readStartedNanos = NOT_READING;
        }
    }

    @Override
    public void close() throws IOException {
        watchdog.cancel(false);
        super.close();
    }

    private void check() {
        long started = readStartedNanos;
        if (started != NOT_READING && System.nanoTime() - started > timeoutNanos) {
            timedOut = true;
            watchdog.cancel(false);
            try {
                in.close();
            } catch (IOException ignored) {
                // the reader sees the failure
            }
        }
    }
}
