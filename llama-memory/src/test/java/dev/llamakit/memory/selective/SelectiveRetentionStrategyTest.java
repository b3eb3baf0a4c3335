package dev.llamakit.memory.selective;

import dev.llamakit.memory.testing.TestTranscript;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolMessage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SelectiveRetentionStrategyTest {
    private static final SystemMessage SYSTEM = new SystemMessage("You are a helpful assistant.");
    private static final TokenCounter TOKENS = new EstimatingTokenCounter();
    private static final String[] NOUNS = {"clouds", "rivers", "forests", "deserts", "oceans", "mountains", "valleys",
        "islands", "glaciers", "meadows", "canyons", "lakes", "volcanoes", "beaches", "caves", "prairies", "reefs",
        "marshes", "tundras", "dunes"};

    private static MemoryContext select(MemoryStrategy strategy, Transcript transcript, int promptTokens, TokenCounter tokens) {
        return strategy.select(new MemoryInput("c1", SYSTEM, transcript, new ContextBudget(promptTokens + 100, 100), tokens,
                StrategyState.inMemory()));
    }

    private static MemoryContext select(MemoryStrategy strategy, Transcript transcript) {
        return select(strategy, transcript, 100_000, TOKENS);
    }

    /** The tokens of the system message plus these transcript entries. */
    private static int tokensOf(Transcript t, long... seqs) {
        List<Message> messages = new ArrayList<>(List.of(SYSTEM));
        for (long s : seqs) {
            messages.add(t.get((int) s).message());
        }
        return TOKENS.count(messages);
    }

    /** {@code n} exchanges about nature, without facts and without words of the other tests' questions. */
    private static TestTranscript filler(TestTranscript b, int n) {
        for (int i = 0; i < n; i++) {
            String noun = NOUNS[i % NOUNS.length];
            b.user("tell me something nice about " + noun + " please").assistant("people often enjoy " + noun + " on a calm day");
        }
        return b;
    }

    private static List<Long> range(long from, long toInclusive) {
        return LongStream.rangeClosed(from, toInclusive).boxed().toList();
    }

    @Test
    void recallsAnEarlyFactTheCurrentTurnAsksAboutAndDropsTheFillerInBetween() {
        TestTranscript b = new TestTranscript().user("Ada's birthday is 12 March, please remember it.")
                .assistant("Noted, I will remember that.");
        Transcript t = filler(b, 20).user("When is Ada's birthday?").build(); // current turn: seq 42
        int limit = tokensOf(t, 0, 38, 39, 40, 41, 42);
        MemoryStrategy strategy = SelectiveRetentionStrategy.builder().maxTokens(limit).build();

        MemoryContext c = select(strategy, t);

        assertThat(c.selectedSeqs()).containsExactly(0L, 38L, 39L, 40L, 41L, 42L);
        assertThat(c.messages().get(1).text()).startsWith("Ada's birthday is 12 March");
        assertThat(c.messages()).hasSize(7).endsWith(t.get(42).message());
        assertThat(c.estimatedTokens()).isEqualTo(TOKENS.count(c.messages())).isLessThanOrEqualTo(limit);

        // without relevance, recency wins and the birthday is forgotten
        MemoryContext blind = select(SelectiveRetentionStrategy.builder().maxTokens(limit).relevanceWeight(0).build(), t);
        assertThat(blind.selectedSeqs()).doesNotContain(0L).contains(38L, 39L, 40L, 41L, 42L);
    }

    @Test
    void aShortHistoryThatFitsIsSentWholeWithoutScoring() {
        Transcript t = filler(new TestTranscript(), 5).user("current").build();
        RelevanceScorer never = (q, c) -> {
            throw new AssertionError("scored although everything fits");
        };
        MemoryContext c = select(SelectiveRetentionStrategy.builder().scorer(never).build(), t);
        assertThat(c.selectedSeqs()).isEqualTo(range(0, 10));
    }

    @Test
    void pinnedMessagesSurviveEvenWhenIrrelevantAndOld() {
        TestTranscript b = new TestTranscript().user("Always answer in French.", EntryFlag.PINNED).assistant("D'accord.");
        Transcript t = filler(b, 20).user("anything new today?").build();
        int limit = tokensOf(t, 0, 38, 39, 40, 41, 42);
        MemoryContext c = select(SelectiveRetentionStrategy.builder().maxTokens(limit).build(), t);
        assertThat(c.selectedSeqs()).containsExactly(0L, 38L, 39L, 40L, 41L, 42L);
    }

    @Test
    void pinnedMessagesTakeTheBudgetBeforeRecentOnes() {
        TestTranscript b = new TestTranscript().user("Always answer in French.", EntryFlag.PINNED).assistant("D'accord.");
        Transcript t = filler(b, 20).user("anything new today?").build();
        int limit = tokensOf(t, 0, 42);
        assertThat(select(SelectiveRetentionStrategy.builder().maxTokens(limit).build(), t).selectedSeqs())
                .containsExactly(0L, 42L);
    }

    @Test
    void aPinnedMessageThatDoesNotFitIsSkippedNotFatal() {
        TestTranscript b = new TestTranscript().user("Remember all of this: " + "detail ".repeat(400), EntryFlag.PINNED)
                .assistant("ok").user("Keep answers short.", EntryFlag.PINNED).assistant("ok");
        Transcript t = filler(b, 10).user("anything new today?").build(); // current: seq 24
        int limit = tokensOf(t, 2, 20, 21, 22, 23, 24);
        MemoryContext c = select(SelectiveRetentionStrategy.builder().maxTokens(limit).build(), t);
        assertThat(c.selectedSeqs()).containsExactly(2L, 20L, 21L, 22L, 23L, 24L);
    }

    @Test
    void importantMessagesBeatNewerUnflaggedOnes() {
        Transcript t = new TestTranscript().user("the meeting moved to the other room", EntryFlag.IMPORTANT).assistant("ok")
                .user("the meeting moved to the other room").assistant("ok").user("anything else").build();
        int limit = tokensOf(t, 0, 4);
        MemoryStrategy strategy = SelectiveRetentionStrategy.builder().maxTokens(limit).recentMessages(0).build();
        assertThat(select(strategy, t).selectedSeqs()).containsExactly(0L, 4L);
    }

    @Test
    void messagesWithFactsBeatSmallTalk() {
        Transcript t = new TestTranscript().user("Call Marta at 555 0199 tomorrow.").assistant("ok")
                .user("that sounds good to me, thanks").assistant("ok").user("anything else").build();
        int limit = tokensOf(t, 0, 4);
        MemoryStrategy strategy = SelectiveRetentionStrategy.builder().maxTokens(limit).recentMessages(0).build();
        assertThat(select(strategy, t).selectedSeqs()).containsExactly(0L, 4L);
        // without the importance weight, the newer small talk wins
        MemoryStrategy noImportance = SelectiveRetentionStrategy.builder().maxTokens(limit).recentMessages(0)
                .importanceWeight(0).build();
        assertThat(select(noImportance, t).selectedSeqs()).doesNotContain(0L);
    }

    @Test
    void tiesGoToTheNewerMessage() {
        Transcript t = new TestTranscript().exchanges(10).user("current").build(); // seqs 0..20
        int limit = tokensOf(t, 18, 19, 20);
        MemoryStrategy noWeights = SelectiveRetentionStrategy.builder().maxTokens(limit).recentMessages(0)
                .relevanceWeight(0).importanceWeight(0).recencyWeight(0).build();
        assertThat(select(noWeights, t).selectedSeqs()).containsExactly(18L, 19L, 20L);
    }

    @Test
    void toolBlocksAreKeptWholeAndInOrder() {
        TestTranscript b = new TestTranscript().user("please check the two accounts").add(AssistantMessage.ofToolCalls(List.of(
                        new dev.llamakit.chat.ToolCall("c1", "lookup", "{\"account\":\"savings\"}"),
                        new dev.llamakit.chat.ToolCall("c2", "lookup", "{\"account\":\"checking\"}"))))
                .add(Message.tool("c1", "account code ZX9 has a balance of 20"))
                .add(Message.tool("c2", "nothing found"))
                .assistant("done");
        Transcript t = filler(b, 12).user("what did the lookup say about code ZX9?").build(); // current: seq 29
        int limit = tokensOf(t, 1, 2, 3, 25, 26, 27, 28, 29);
        MemoryContext c = select(SelectiveRetentionStrategy.builder().maxTokens(limit).build(), t);
        assertThat(c.selectedSeqs()).containsExactly(1L, 2L, 3L, 25L, 26L, 27L, 28L, 29L);
        assertThat(c.messages().get(1)).isInstanceOfSatisfying(AssistantMessage.class, a -> assertThat(a.hasToolCalls()).isTrue());
        assertThat(c.messages().get(2)).isInstanceOf(ToolMessage.class);
        assertThat(c.messages().get(3)).isInstanceOf(ToolMessage.class);

        // one token less and the block cannot come at all: it is never split
        MemoryContext tight = select(SelectiveRetentionStrategy.builder().maxTokens(limit - 1).build(), t);
        assertThat(tight.selectedSeqs()).doesNotContain(1L, 2L, 3L);
    }

    @Test
    void aCustomScorerDecidesRelevance() {
        Transcript t = filler(new TestTranscript(), 15).user("current").build(); // current: seq 30
        RelevanceScorer likesDeserts = (q, candidates) -> candidates.stream().mapToDouble(s -> s.contains("deserts") ? 1 : 0).toArray();
        int limit = tokensOf(t, 6, 7, 26, 27, 28, 29, 30);
        MemoryContext c = select(SelectiveRetentionStrategy.builder().maxTokens(limit).scorer(likesDeserts).build(), t);
        assertThat(c.selectedSeqs()).containsExactly(6L, 7L, 26L, 27L, 28L, 29L, 30L);
    }

    @Test
    void aBrokenScorerIsReportedClearly() {
        Transcript t = filler(new TestTranscript(), 15).user("current").build();
        RelevanceScorer tooFew = (q, candidates) -> new double[1];
        RelevanceScorer negative = (q, candidates) -> candidates.stream().mapToDouble(s -> -1).toArray();
        assertThatThrownBy(() -> select(SelectiveRetentionStrategy.builder().maxTokens(100).scorer(tooFew).build(), t))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 scores for 30 candidates");
        assertThatThrownBy(() -> select(SelectiveRetentionStrategy.builder().maxTokens(100).scorer(negative).build(), t))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("non-negative");
    }

    @Test
    void tooSmallABudgetForTheSystemMessageAndTurnIsATypedError() {
        Transcript t = new TestTranscript().exchanges(2).user("word ".repeat(500)).build();
        assertThatThrownBy(() -> select(SelectiveRetentionStrategy.withDefaults(), t, 200, TOKENS))
                .isInstanceOfSatisfying(ContextTooLargeException.class, e -> {
                    assertThat(e.budgetTokens()).isEqualTo(200);
                    assertThat(e.getMessage()).contains("selective-retention");
                });
        // above max-tokens but within the budget: sent alone
        assertThat(select(SelectiveRetentionStrategy.builder().maxTokens(50).build(), t).selectedSeqs()).containsExactly(4L);
    }

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
        Transcript t = filler(new TestTranscript(), 20).user("current").build();
        MemoryContext c = select(SelectiveRetentionStrategy.withDefaults(), t, 150, overhead);
        assertThat(overhead.count(c.messages())).isLessThanOrEqualTo(150).isEqualTo(c.estimatedTokens());
        assertThat(c.selectedSeqs()).endsWith(40L).isSorted();
    }

    @Test
    void whenEverythingFitsByTheSumButNotByTheRealCountTheOldestGoFirst() {
        TokenCounter separators = new TokenCounter() {
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
        Transcript t = filler(new TestTranscript(), 5).user("current").build(); // seqs 0..10
        int budget = tokensOf(t, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) + 10;
        MemoryContext c = select(SelectiveRetentionStrategy.withDefaults(), t, budget, separators);
        assertThat(separators.count(c.messages())).isLessThanOrEqualTo(budget);
        long first = c.selectedSeqs().get(0);
        assertThat(first).isPositive();
        assertThat(c.selectedSeqs()).isEqualTo(range(first, 10));
    }

    @Test
    void selectionCostIsLinearInTheTranscript() {
        Transcript t = filler(new TestTranscript(), 5_000).user("tell me about glaciers").build(); // 10,001 messages
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
        AtomicInteger scored = new AtomicInteger();
        RelevanceScorer bm25 = RelevanceScorer.bm25();
        RelevanceScorer once = (q, c) -> {
            scored.incrementAndGet();
            return bm25.score(q, c);
        };
        MemoryContext c = select(SelectiveRetentionStrategy.builder().maxTokens(2_000).scorer(once).build(), t, 100_000, counting);
        assertThat(scored).hasValue(1);
        assertThat(counted.get()).as("messages counted").isLessThan(2L * t.size());
        assertThat(c.selectedSeqs()).contains(10_000L);
        assertThat(c.messages().stream().skip(1).limit(c.messages().size() - 2))
                .anySatisfy(m -> assertThat(m.text()).contains("glaciers"));
    }

    @Test
    void oneInstanceServesManyThreads() {
        MemoryStrategy strategy = SelectiveRetentionStrategy.builder().maxTokens(300).build();
        Transcript t = filler(new TestTranscript().user("Ada's birthday is 12 March."), 40).user("When is Ada's birthday?").build();
        MemoryContext expected = select(strategy, t);
        List<MemoryContext> results = IntStream.range(0, 64).parallel().mapToObj(i -> select(strategy, t)).toList();
        assertThat(results).allSatisfy(c -> assertThat(c).isEqualTo(expected));
        assertThat(expected.selectedSeqs()).contains(0L);
    }

    @Test
    void describesItself() {
        SelectiveRetentionStrategy s = SelectiveRetentionStrategy.builder().maxTokens(900).recentMessages(2).build();
        assertThat(s.name()).isEqualTo("selective-retention");
        assertThat(s.maxTokens()).hasValue(900);
        assertThat(s.recentMessages()).isEqualTo(2);
        assertThat(s.relevanceWeight()).isEqualTo(1.0);
        assertThat(s.importanceWeight()).isEqualTo(0.5);
        assertThat(s.recencyWeight()).isEqualTo(0.5);
        assertThat(s.recencyHalfLife()).isEqualTo(20);
        assertThat(s.toString()).contains("maxTokens=900", "recentMessages=2");
        assertThat(SelectiveRetentionStrategy.withDefaults().maxTokens()).isEmpty();
    }
}
