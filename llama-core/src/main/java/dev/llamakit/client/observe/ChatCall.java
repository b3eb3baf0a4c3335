package dev.llamakit.client.observe;

import dev.llamakit.client.Dialect;
import java.time.Instant;
import java.util.Objects;

/**
 * One chat call as listeners see it: a number unique within the JVM, the model, the dialect, whether it
 * streams, and when it started.
 */
public record ChatCall(long id, String model, Dialect dialect, boolean streaming, Instant startedAt) {
    public ChatCall {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
