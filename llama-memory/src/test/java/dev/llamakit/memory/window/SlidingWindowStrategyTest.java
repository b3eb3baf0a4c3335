package dev.llamakit.memory.window;

import dev.llamakit.memory.testing.TestTranscript;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SlidingWindowStrategyTest {
    private static final SystemMessage SYSTEM = new SystemMessage("You are a helpful assistant.");
    private static final TokenCounter TOKENS = new EstimatingTokenCounter();

    private static MemoryContext select(MemoryStrategy strategy, Transcript transcript, int promptTokens, TokenCounter tokens) {
        return strategy.select(new MemoryInput("c1", SYSTEM, transcript, new ContextBudget(promptTokens + 100, 100), tokens,
                StrategyState.inMemory()));
    }

    private static MemoryContext select(MemoryStrategy strategy, Transcript transcript) {
        return select(strategy, transcript, 100_000, TOKENS);
    }

    private static List<Long> range(long from, long toInclusive) {
        return LongStream.rangeClosed(from, toInclusive).boxed().toList();
    }

    @Test
    void defaultKeepsTheSystemMessageAndTheLastTenMessages() {
        Transcript t = new TestTranscript().exchanges(9).user("current").build(); // 19 messages
        MemoryContext c = select(SlidingWindowStrategy.builder().build(), t);
        assertThat(c.selectedSeqs()).isEqualTo(range(9, 18));
        assertThat(c.messages()).hasSize(11);
        assertThat(c.messages().get(0)).isEqualTo(SYSTEM);
        assertThat(c.messages().get(1)).isInstanceOf(AssistantMessage.class); // like the seed: may start on a reply
        assertThat(c.derivedMessages()).isZero();
        assertThat(c.estimatedTokens()).isEqualTo(TOKENS.count(c.messages()));
    }

    @Test
    void aShortHistoryIsSentWhole() {
        Transcript t = new TestTranscript().exchanges(2).user("current").build();
        assertThat(select(SlidingWindowStrategy.lastMessages(10), t).selectedSeqs()).isEqualTo(range(0, 4));
    }

    @Test
    void aToolBlockTheLimitWouldCutIsDroppedWhole() {
        Transcript t = new TestTranscript().user("weather?").toolBlock("a", "b").assistant("sunny").user("current").build();
        // seqs: 0 user, 1 call, 2-3 results, 4 answer, 5 current; 4 messages would cut the block.
        MemoryContext c = select(SlidingWindowStrategy.lastMessages(4), t);
        assertThat(c.selectedSeqs()).containsExactly(4L, 5L);
        assertThat(select(SlidingWindowStrategy.lastMessages(5), t).selectedSeqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(select(SlidingWindowStrategy.lastMessages(6), t).selectedSeqs()).isEqualTo(range(0, 5));
    }

    @Test
    void startOnUserDropsLeadingAssistantMessagesAndToolBlocks() {
        Transcript t = new TestTranscript().exchanges(9).user("current").build();
        MemoryContext c = select(SlidingWindowStrategy.builder().maxMessages(10).startOnUser(true).build(), t);
        assertThat(c.selectedSeqs()).isEqualTo(range(10, 18));
        assertThat(c.messages().get(1)).isInstanceOf(UserMessage.class);

        Transcript tools = new TestTranscript().user("q").toolBlock("a").assistant("done").user("current").build();
        MemoryContext d = select(SlidingWindowStrategy.builder().maxMessages(4).startOnUser(true).build(), tools);
        assertThat(d.selectedSeqs()).containsExactly(4L); // call+result+answer would lead: all dropped
    }

    @Test
    void aTokenLimitAloneHasNoMessageLimit() {
        Transcript t = new TestTranscript().exchanges(30).user("current").build();
        int limit = 300;
        MemoryContext c = select(SlidingWindowStrategy.lastTokens(limit), t);
        assertThat(c.selectedSeqs().size()).isGreaterThan(10);
        assertThat(c.estimatedTokens()).isLessThanOrEqualTo(limit).isEqualTo(TOKENS.count(c.messages()));
        // the next older message would not have fitted
        long first = c.selectedSeqs().get(0);
        Message older = t.get((int) first - 1).message();
        assertThat(c.estimatedTokens() + TOKENS.count(older)).isGreaterThan(limit);
        assertThat(c.selectedSeqs()).isEqualTo(range(first, 60));
    }

    @Test
    void withBothLimitsTheTighterWins() {
        Transcript t = new TestTranscript().exchanges(30).user("current").build();
        assertThat(select(SlidingWindowStrategy.builder().maxMessages(5).maxTokens(10_000).build(), t).selectedSeqs())
                .isEqualTo(range(56, 60));
        MemoryContext byTokens = select(SlidingWindowStrategy.builder().maxMessages(50).maxTokens(100).build(), t);
        assertThat(byTokens.selectedSeqs().size()).isLessThan(50);
        assertThat(byTokens.estimatedTokens()).isLessThanOrEqualTo(100);
    }

    @Test
    void theBudgetShrinksTheWindow() {
        Transcript t = new TestTranscript().exchanges(9).user("current").build();
        MemoryContext c = select(SlidingWindowStrategy.lastMessages(10), t, 60, TOKENS);
        assertThat(c.selectedSeqs().size()).isLessThan(10);
        assertThat(c.selectedSeqs()).endsWith(18L);
        assertThat(TOKENS.count(c.messages())).isLessThanOrEqualTo(60);
    }

    @Test
    void tooSmallABudgetForTheSystemMessageAndTurnIsATypedError() {
        Transcript t = new TestTranscript().exchanges(2).user("word ".repeat(500)).build();
        assertThatThrownBy(() -> select(SlidingWindowStrategy.lastMessages(10), t, 200, TOKENS))
                .isInstanceOfSatisfying(ContextTooLargeException.class, e -> {
                    assertThat(e.budgetTokens()).isEqualTo(200);
                    assertThat(e.neededTokens()).isGreaterThan(200);
                    assertThat(e.getMessage()).contains("sliding-window");
                });
    }

    @Test
    void aTurnLargerThanMaxTokensButWithinTheBudgetIsSentAlone() {
        Transcript t = new TestTranscript().exchanges(2).user("word ".repeat(500)).build();
        MemoryContext c = select(SlidingWindowStrategy.lastTokens(100), t);
        assertThat(c.selectedSeqs()).containsExactly(4L);
        assertThat(c.messages()).hasSize(2);
    }

    @Test
    void unansweredTurnsAreSkippedAndDoNotCount() {
        Transcript t = new TestTranscript().user("q0").assistant("a1").user("failed", EntryFlag.UNANSWERED)
                .user("q3").assistant("a4").user("current").build();
        assertThat(select(SlidingWindowStrategy.lastMessages(4), t).selectedSeqs()).containsExactly(1L, 3L, 4L, 5L);
    }

    @Test
    void withoutASystemMessageOnlyTranscriptMessagesAreSent() {
        Transcript t = new TestTranscript().exchanges(3).user("current").build();
        MemoryContext c = SlidingWindowStrategy.lastMessages(3).select(new MemoryInput("c", null, t,
                ContextBudget.LLAMA_API, TOKENS, StrategyState.inMemory()));
        assertThat(c.messages()).containsExactly(t.get(4).message(), t.get(5).message(), t.get(6).message());
    }

    @Test
    void anEmptyTranscriptGivesTheSystemMessageAlone() {
        MemoryContext c = select(SlidingWindowStrategy.lastMessages(3), Transcript.empty());
        assertThat(c.messages()).containsExactly(SYSTEM);
        assertThat(c.selectedSeqs()).isEmpty();
    }

    /** A counter that charges for message separators, so that summing messages underestimates the request. */
    @Test
    void aNonAdditiveCounterIsCheckedOnTheWholeRequest() {
        TokenCounter overhead = new TokenCounter() {
            @Override
            public int count(String text) {
                return TOKENS.count(text);
            }

            @Override
            public int count(Message message) {
                return TOKENS.count(message);
            }

            @Override
            public int count(List<? extends Message> messages) {
                return TOKENS.count(messages) + 3 * messages.size();
            }
        };
        Transcript t = new TestTranscript().exchanges(20).user("current").build();
        int budget = 150;
        MemoryContext c = select(SlidingWindowStrategy.lastTokens(10_000), t, budget, overhead);
        assertThat(overhead.count(c.messages())).isLessThanOrEqualTo(budget);
        assertThat(c.estimatedTokens()).isEqualTo(overhead.count(c.messages()));
        assertThat(c.selectedSeqs()).endsWith(40L).isSorted();
    }

    @Test
    void selectionCostFollowsTheWindowNotTheTranscript() {
        Transcript t = new TestTranscript().exchanges(5_000).user("current").build(); // 10,001 messages
        AtomicLong counted = new AtomicLong();
        TokenCounter counting = new TokenCounter() {
            @Override
            public int count(String text) {
                return TOKENS.count(text);
            }

            @Override
            public int count(Message message) {
                counted.incrementAndGet();
                return TOKENS.count(message);
            }
        };
        MemoryContext c = select(SlidingWindowStrategy.lastMessages(10), t, 100_000, counting);
        assertThat(c.selectedSeqs()).isEqualTo(range(9_991, 10_000));
        assertThat(counted.get()).as("messages counted").isLessThan(40);
    }

    @Test
    void oneInstanceServesManyThreads() {
        MemoryStrategy strategy = SlidingWindowStrategy.builder().maxMessages(6).maxTokens(300).build();
        Transcript t = new TestTranscript().exchanges(40).toolBlock("x", "y").user("current").build();
        MemoryContext expected = select(strategy, t);
        List<MemoryContext> results = IntStream.range(0, 64).parallel().mapToObj(i -> select(strategy, t)).toList();
        assertThat(results).allSatisfy(c -> assertThat(c).isEqualTo(expected));
    }

    @Test
    void describesItself() {
        SlidingWindowStrategy s = SlidingWindowStrategy.builder().maxTokens(500).startOnUser(true).build();
        assertThat(s.name()).isEqualTo("sliding-window");
        assertThat(s.maxMessages()).isEqualTo(Integer.MAX_VALUE);
        assertThat(s.maxTokens()).hasValue(500);
        assertThat(s.startOnUser()).isTrue();
        assertThat(s.toString()).contains("maxTokens=500", "maxMessages=none");
        assertThat(SlidingWindowStrategy.builder().build().maxMessages()).isEqualTo(10);
        assertThatThrownBy(() -> SlidingWindowStrategy.lastMessages(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxMessages");
    }
}
