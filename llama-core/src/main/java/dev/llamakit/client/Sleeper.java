package dev.llamakit.client;

import java.time.Duration;

/** Waits between retries. Replace it in tests so that they never wait for real. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps on the calling thread. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
