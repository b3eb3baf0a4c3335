package dev.llamakit.memory.selective;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.tck.MemoryStrategyContract;

/** {@code selective-retention} with its defaults keeps the memory contract. */
class SelectiveRetentionContractTest extends MemoryStrategyContract {
    @Override
    protected MemoryStrategy strategy() {
        return SelectiveRetentionStrategy.withDefaults();
    }
}
