package dev.llamakit.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Thread-safe record of the requests a server received: all of them, and those not yet taken. */
final class RequestJournal {

    private final List<RecordedRequest> all = new ArrayList<>();
    private final LinkedBlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();

    void record(RecordedRequest request) {
        synchronized (all) {
            all.add(request);
            untaken.add(request);
        }
    }

    RecordedRequest take() {
        RecordedRequest request = untaken.poll();
        if (request == null) {
            throw new IllegalStateException(
                    "No request left to take: the server has recorded " + count()
                            + " request(s) and all of them were taken already (or none arrived)");
        }
        return request;
    }

    RecordedRequest take(Duration timeout) throws InterruptedException {
        RecordedRequest request = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (request == null) {
            throw new IllegalStateException("No request arrived within " + timeout
                    + " (recorded so far: " + count() + ", all taken)");
        }
        return request;
    }

    List<RecordedRequest> snapshot() {
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
