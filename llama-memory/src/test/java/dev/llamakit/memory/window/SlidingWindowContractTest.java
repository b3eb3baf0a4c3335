package dev.llamakit.memory.window;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.tck.MemoryStrategyContract;

/** {@code sliding-window} with its defaults (the seed's last 10 messages) keeps the memory contract. */
class SlidingWindowContractTest extends MemoryStrategyContract {
    @Override
    protected MemoryStrategy strategy() {
        return SlidingWindowStrategy.builder().build();
    }
}
