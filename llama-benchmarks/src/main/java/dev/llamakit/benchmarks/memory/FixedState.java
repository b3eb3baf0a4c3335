package dev.llamakit.benchmarks.memory;

import dev.llamakit.memory.StrategyState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A strategy state that always returns the values it was built with and discards writes, counting them and keeping
 * the last one. Every benchmark operation then starts from the same state: a steady-state turn whose state must not
 * change (no write expected), or a turn that summarizes a batch and would move the state on (one write per call).
 */
final class FixedState implements StrategyState {
    private final Map<String, String> values = new HashMap<>();
    private final AtomicLong puts = new AtomicLong();
    private volatile String lastPut;

    FixedState(String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void put(String key, String value) {
        puts.incrementAndGet();
        lastPut = value;
    }

    long puts() {
        return puts.get();
    }

    String lastPut() {
        return lastPut;
    }
}
