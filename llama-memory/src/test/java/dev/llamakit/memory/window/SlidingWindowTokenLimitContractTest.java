package dev.llamakit.memory.window;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.tck.MemoryStrategyContract;

/** {@code sliding-window} with both limits and {@code start-on-user} keeps the memory contract. */
class SlidingWindowTokenLimitContractTest extends MemoryStrategyContract {
    @Override
    protected MemoryStrategy strategy() {
        return SlidingWindowStrategy.builder().maxMessages(7).maxTokens(450).startOnUser(true).build();
    }
}
