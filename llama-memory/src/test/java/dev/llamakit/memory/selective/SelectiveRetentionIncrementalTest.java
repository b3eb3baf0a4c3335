package dev.llamakit.memory.selective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.testing.RandomTranscripts;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: selective retention keeps its per-conversation state between turns and extends it; it must choose exactly
 * what the full rebuild per turn ({@link ReferenceSelectiveRetention}, the code before) chooses, turn after turn, for
 * several conversations served by one strategy object, after a resume from a store, and when the counter recalibrates.
 */
class SelectiveRetentionIncrementalTest {
    private static final SystemMessage SYSTEM = new SystemMessage("You are a careful assistant.");
    private static final int[] BUDGETS = {150, 400, 900, 2_500, 12_000};

    private static MemoryContext select(Object strategy, String id, List<TranscriptEntry> entries, int budget,
                                        TokenCounter counter) {
        MemoryInput input = new MemoryInput(id, SYSTEM, Transcript.of(entries), new ContextBudget(budget + 1_000, 1_000),
                counter, StrategyState.inMemory());
        return strategy instanceof SelectiveRetentionStrategy s ? s.select(input) : ((ReferenceSelectiveRetention) strategy).select(input);
    }

    private static void assertSame(SelectiveRetentionStrategy strategy, ReferenceSelectiveRetention reference, String id,
                                   List<TranscriptEntry> entries, int budget, Supplier<TokenCounter> counter, String what) {
        MemoryContext expected;
        try {
            expected = select(reference, id, entries, budget, counter.get());
        } catch (ContextTooLargeException e) {
            assertThatThrownBy(() -> select(strategy, id, entries, budget, counter.get()))
                    .as(what).isInstanceOf(ContextTooLargeException.class).hasMessage(e.getMessage());
            return;
        }
        MemoryContext actual = select(strategy, id, entries, budget, counter.get());
        assertThat(actual).as(what).isEqualTo(expected);
    }

    static List<SelectiveRetentionStrategy> variants() {
        return List.of(SelectiveRetentionStrategy.withDefaults(),
                SelectiveRetentionStrategy.builder().recentMessages(0).recencyHalfLife(3).build(),
                SelectiveRetentionStrategy.builder().relevanceWeight(0).maxTokens(700).build(),
                SelectiveRetentionStrategy.builder().importanceWeight(0).recencyWeight(0).recentMessages(9).build(),
                SelectiveRetentionStrategy.builder().relevanceWeight(2).importanceWeight(1).recencyWeight(0.1).build());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void turnByTurnTheSameAsAFullRebuild(long seed) {
        for (SelectiveRetentionStrategy strategy : variants()) {
            ReferenceSelectiveRetention reference = new ReferenceSelectiveRetention(strategy);
            RandomTranscripts conversation = new RandomTranscripts(seed);
            for (int turn = 0; turn < 70; turn++) {
                List<TranscriptEntry> entries = conversation.nextTurn();
                int budget = BUDGETS[(int) ((seed + turn) % BUDGETS.length)];
                assertSame(strategy, reference, "c", entries, budget, EstimatingTokenCounter::new,
                        strategy + ", seed " + seed + ", turn " + turn + ", budget " + budget);
            }
        }
    }

    @Test
    void severalConversationsInterleavedOnOneStrategy() {
        SelectiveRetentionStrategy strategy = SelectiveRetentionStrategy.withDefaults();
        ReferenceSelectiveRetention reference = new ReferenceSelectiveRetention(strategy);
        List<RandomTranscripts> conversations = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            conversations.add(new RandomTranscripts(100 + c));
        }
        for (int turn = 0; turn < 50; turn++) {
            for (int c = 0; c < conversations.size(); c++) {
                List<TranscriptEntry> entries = conversations.get(c).nextTurn();
                assertSame(strategy, reference, "conversation-" + c, entries, 900, EstimatingTokenCounter::new,
                        "conversation " + c + ", turn " + turn);
            }
        }
        // the same id given an unrelated transcript: detected and rebuilt
        List<TranscriptEntry> other = new RandomTranscripts(999).nextTurn();
        assertSame(strategy, reference, "conversation-0", other, 900, EstimatingTokenCounter::new, "another transcript");
    }

    @Test
    void resumedFromAStoreTheEntriesAreNewObjects() {
        SelectiveRetentionStrategy strategy = SelectiveRetentionStrategy.withDefaults();
        ReferenceSelectiveRetention reference = new ReferenceSelectiveRetention(strategy);
        RandomTranscripts conversation = new RandomTranscripts(42);
        List<TranscriptEntry> entries = List.of();
        for (int turn = 0; turn < 40; turn++) {
            entries = conversation.nextTurn();
            assertSame(strategy, reference, "c", entries, 900, EstimatingTokenCounter::new, "turn " + turn);
        }
        // a store hands back equal entries that are other objects, and the same prefix shortened (a lost tail)
        List<TranscriptEntry> loaded = new ArrayList<>();
        for (TranscriptEntry e : entries.subList(0, entries.size() - 5)) {
            loaded.add(new TranscriptEntry(e.seq(), e.message(), e.at(), e.flags(), e.usage()));
        }
        assertSame(strategy, reference, "c", loaded, 900, EstimatingTokenCounter::new, "resumed");
        for (int turn = 0; turn < 10; turn++) {
            entries = conversation.nextTurn();
            assertSame(strategy, reference, "c", entries, 900, EstimatingTokenCounter::new, "after resume, turn " + turn);
        }
    }

    @Test
    void aRecalibratedCounterIsCountedAgain() {
        SelectiveRetentionStrategy strategy = SelectiveRetentionStrategy.withDefaults();
        ReferenceSelectiveRetention reference = new ReferenceSelectiveRetention(strategy);
        RandomTranscripts conversation = new RandomTranscripts(7);
        EstimatingTokenCounter counter = new EstimatingTokenCounter();
        for (int turn = 0; turn < 60; turn++) {
            List<TranscriptEntry> entries = conversation.nextTurn();
            assertSame(strategy, reference, "c", entries, 900, () -> counter, "turn " + turn);
            List<dev.llamakit.chat.Message> sent = entries.stream().map(TranscriptEntry::message).toList();
            counter.calibrate(sent, Math.round(counter.count(sent) * (0.8 + (turn % 7) * 0.1)));
        }
    }
}
