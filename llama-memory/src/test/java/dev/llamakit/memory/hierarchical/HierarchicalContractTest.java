package dev.llamakit.memory.hierarchical;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.tck.MemoryStrategyContract;
import org.junit.jupiter.api.Nested;

/** {@code hierarchical} keeps the memory-strategy contract, with its default shares and with lopsided ones. */
class HierarchicalContractTest extends MemoryStrategyContract {

    @Override
    protected MemoryStrategy strategy() {
        return HierarchicalStrategy.of(new DigestSummarizer());
    }

    /** Most of the budget for recall, little for the window, a small summary. */
    @Nested
    class WithRecallHeavyShares extends MemoryStrategyContract {
        @Override
        protected MemoryStrategy strategy() {
            return HierarchicalStrategy.of(RunningSummary.builder(new DigestSummarizer()).maxTokens(48).batchMessages(4).build(),
                    new BudgetShares(0.2, 0.6, 0.1));
        }
    }
}
