package dev.llamakit.memory.hierarchical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.testing.RandomTranscripts;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: {@code hierarchical} keeps units, tokens, exchanges and their postings per conversation and extends them;
 * turn after turn it must choose exactly what the full rebuild ({@link ReferenceHierarchical}, the code before)
 * chooses, with the same running summary, also for interleaved conversations on one strategy and after a resume.
 */
class HierarchicalIncrementalTest {
    private static final SystemMessage SYSTEM = new SystemMessage("You are a careful assistant.");
    private static final int[] BUDGETS = {300, 700, 1_500, 4_000};

    private static final class Side {
        final MemoryStrategy strategy;
        final List<StrategyState> states = new ArrayList<>();

        Side(MemoryStrategy strategy) {
            this.strategy = strategy;
        }

        Object select(int conversation, List<TranscriptEntry> entries, int budget) {
            while (states.size() <= conversation) {
                states.add(StrategyState.inMemory());
            }
            try {
                return strategy.select(new MemoryInput("c" + conversation, SYSTEM, Transcript.of(entries),
                        new ContextBudget(budget + 1_000, 1_000), new EstimatingTokenCounter(), states.get(conversation)));
            } catch (ContextTooLargeException e) {
                return e.getMessage();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void turnByTurnTheSameAsAFullRebuild(long seed) {
        for (BudgetShares shares : List.of(BudgetShares.DEFAULT, new BudgetShares(0.3, 0.5, 0.2), new BudgetShares(0.6, 0.2, 0.1))) {
            RunningSummary summary = RunningSummary.builder(new DigestSummarizer()).batchMessages(4).build();
            Side actual = new Side(HierarchicalStrategy.of(summary, shares));
            Side expected = new Side(new ReferenceHierarchical(summary, shares));
            List<RandomTranscripts> conversations = List.of(new RandomTranscripts(seed), new RandomTranscripts(seed + 100));
            List<List<TranscriptEntry>> last = new ArrayList<>(List.of(List.of(), List.of()));
            for (int turn = 0; turn < 60; turn++) {
                for (int c = 0; c < conversations.size(); c++) {
                    List<TranscriptEntry> entries = conversations.get(c).nextTurn();
                    if (turn == 40 && c == 0) {
                        // resumed from a store: equal entries, other objects
                        List<TranscriptEntry> loaded = new ArrayList<>();
                        entries.forEach(e -> loaded.add(new TranscriptEntry(e.seq(), e.message(), e.at(), e.flags(), e.usage())));
                        entries = loaded;
                    }
                    int budget = BUDGETS[(int) ((seed + turn + c) % BUDGETS.length)];
                    Object want = expected.select(c, entries, budget);
                    Object got = actual.select(c, entries, budget);
                    assertThat(got).as("%s, seed %d, conversation %d, turn %d, budget %d", shares, seed, c, turn, budget)
                            .isEqualTo(want);
                    assertThat(actual.states.get(c).get(RunningSummary.STATE_KEY))
                            .isEqualTo(expected.states.get(c).get(RunningSummary.STATE_KEY));
                    last.set(c, entries);
                }
            }
        }
    }
}
