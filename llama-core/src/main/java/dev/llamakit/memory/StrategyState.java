package dev.llamakit.memory;

import java.util.Optional;

/**
 * Named values a strategy keeps for one conversation (a running summary, how far it reaches), stored by the
 * conversation store beside the messages, so that a resumed conversation continues where it was.
 */
public interface StrategyState {

    /** The value stored under {@code key}. */
    Optional<String> get(String key);

    /** Stores {@code value} under {@code key}, replacing the old value durably. */
    void put(String key, String value);

    /** A state kept only in memory; for tests and one-off selections. */
    static StrategyState inMemory() {
        java.util.Map<String, String> map = new java.util.concurrent.ConcurrentHashMap<>();
        return new StrategyState() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(map.get(key));
            }

            @Override
            public void put(String key, String value) {
                map.put(key, value);
            }
        };
    }
}
