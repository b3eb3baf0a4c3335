package dev.llamakit.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe record of what a server saw (requests, stream outcomes): all of it, and the entries not yet
 * taken. {@code what} names the entries in error messages ("request", "stream outcome").
 */
final class Journal<T> {

    private final String what;
    private final List<T> all = new ArrayList<>();
    private final LinkedBlockingQueue<T> untaken = new LinkedBlockingQueue<>();

    Journal(String what) {
        this.what = what;
    }

    void record(T entry) {
        synchronized (all) {
            all.add(entry);
            untaken.add(entry);
        }
    }

    /** The oldest entry not taken yet, without waiting. */
    T take() {
        T entry = untaken.poll();
        if (entry == null) {
            throw new IllegalStateException("No " + what + " left to take: the server has recorded " + count()
                    + " and all of them were taken already (or none arrived)");
        }
        return entry;
    }

    /** The oldest entry not taken yet, waiting up to {@code timeout} for one. */
    T take(Duration timeout) throws InterruptedException {
        T entry = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (entry == null) {
            throw new IllegalStateException("No " + what + " arrived within " + timeout + " (recorded so far: "
                    + count() + ", all taken)");
        }
        return entry;
    }

    List<T> snapshot() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    int count() {
        synchronized (all) {
            return all.size();
        }
    }

    void clear() {
        synchronized (all) {
            all.clear();
            untaken.clear();
        }
    }
}
