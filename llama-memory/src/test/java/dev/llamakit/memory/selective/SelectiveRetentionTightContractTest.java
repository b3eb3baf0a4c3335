package dev.llamakit.memory.selective;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.tck.MemoryStrategyContract;

/** {@code selective-retention} with a token cap, few recent messages and other weights keeps the memory contract. */
class SelectiveRetentionTightContractTest extends MemoryStrategyContract {
    @Override
    protected MemoryStrategy strategy() {
        return SelectiveRetentionStrategy.builder().maxTokens(400).recentMessages(2).relevanceWeight(2)
                .importanceWeight(1).recencyWeight(0.1).recencyHalfLife(5).build();
    }
}
