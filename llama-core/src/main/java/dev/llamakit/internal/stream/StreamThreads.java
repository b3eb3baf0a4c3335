package dev.llamakit.internal.stream;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The shared pool that reads streams for async callers: daemon threads, created on demand. Internal. */
public final class StreamThreads {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "llamakit-stream-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private StreamThreads() {
    }

    public static ExecutorService pool() {
        return POOL;
    }
}
