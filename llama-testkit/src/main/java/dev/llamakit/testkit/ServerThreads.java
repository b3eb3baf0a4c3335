package dev.llamakit.testkit;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates the daemon handler threads, named {@code llama-test-server-N}. */
final class ServerThreads implements ThreadFactory {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, "llama-test-server-" + COUNTER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
