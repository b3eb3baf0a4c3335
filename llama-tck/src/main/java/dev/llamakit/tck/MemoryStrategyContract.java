package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MemoryStrategy} keeps. Extend it in your tests and return a fresh strategy from
 * {@link #strategy()}; each test runs many transcripts and budgets.
 *
 * <pre>{@code
 * class MyStrategyContractTest extends MemoryStrategyContract {
 *     protected MemoryStrategy strategy() { return new MyStrategy(); }
 * }
 * }</pre>
 */
public abstract class MemoryStrategyContract {
    private static final SystemMessage SYSTEM = new SystemMessage("You are a careful assistant. Keep answers short.");
    private static final int[] BUDGETS = {160, 300, 600, 1_200, 5_000, 100_000};

    /** A new strategy for each use. */
    protected abstract MemoryStrategy strategy();

    /** The token counter the strategy is given and the budget is checked with. */
    protected TokenCounter tokens() {
        return new EstimatingTokenCounter();
    }

    /** The transcripts every rule is checked on. */
    protected List<Transcript> transcripts() {
        List<Transcript> list = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            list.add(SampleTranscripts.conversation(1 + (int) (seed * 7 % 40), seed));
        }
        list.add(SampleTranscripts.conversation(80, 99));
        return list;
    }

    private MemoryContext select(MemoryStrategy strategy, Transcript transcript, int budget, SystemMessage system,
                                 StrategyState state) {
        return strategy.select(new MemoryInput("contract", system, transcript, new ContextBudget(budget + 4_096, 4_096),
                tokens(), state));
    }

    /** Runs {@code check} on every transcript and budget where the strategy produces a context. */
    private void forEachContext(SystemMessage system, ContextCheck check) {
        int checked = 0;
        for (Transcript transcript : transcripts()) {
            for (int budget : BUDGETS) {
                MemoryContext context;
                try {
                    context = select(strategy(), transcript, budget, system, StrategyState.inMemory());
                } catch (ContextTooLargeException e) {
                    continue;
                }
                check.accept(transcript, budget, context);
                checked++;
            }
        }
        assertThat(checked).as("contexts checked").isGreaterThan(transcripts().size());
    }

    @FunctionalInterface
    private interface ContextCheck {
        void accept(Transcript transcript, int budget, MemoryContext context);
    }

    @Test
    @DisplayName("the system message comes first, exactly once")
    void systemMessageFirst() {
        forEachContext(SYSTEM, (t, budget, c) -> {
            assertThat(c.messages().get(0)).isInstanceOf(SystemMessage.class);
            assertThat(c.messages().get(0).text()).startsWith(SYSTEM.text());
            assertThat(c.messages().subList(1, c.messages().size()))
                    .noneMatch(m -> m instanceof SystemMessage s && s.text().startsWith(SYSTEM.text()));
        });
    }

    @Test
    @DisplayName("without a system message, the context is the derived messages and transcript messages only")
    void noSystemMessage() {
        forEachContext(null, (t, budget, c) -> {
            assertThat(c.messages()).hasSize(c.derivedMessages() + c.selectedSeqs().size());
            assertThat(c.messages().get(c.messages().size() - 1)).isEqualTo(t.get(t.size() - 1).message());
        });
    }

    @Test
    @DisplayName("the user turn being answered is the last message")
    void currentTurnLast() {
        forEachContext(SYSTEM, (t, budget, c) -> {
            TranscriptEntry last = t.get(t.size() - 1);
            assertThat(c.messages().get(c.messages().size() - 1)).isEqualTo(last.message());
            assertThat(c.selectedSeqs()).contains(last.seq());
        });
    }

    @Test
    @DisplayName("the token budget is never exceeded")
    void budgetNeverExceeded() {
        forEachContext(SYSTEM, (t, budget, c) -> {
            int counted = tokens().count(c.messages());
            assertThat(counted).as("tokens of the context for budget %d", budget).isLessThanOrEqualTo(budget);
            assertThat(c.estimatedTokens()).isLessThanOrEqualTo(budget);
        });
    }

    @Test
    @DisplayName("a tool call and its results are kept or dropped together, in order")
    void toolCallsStayWithTheirResults() {
        forEachContext(SYSTEM, (t, budget, c) -> {
            List<Message> messages = c.messages();
            for (int i = 0; i < messages.size(); i++) {
                if (messages.get(i) instanceof AssistantMessage a && a.hasToolCalls()) {
                    Set<String> expected = a.toolCalls().stream().map(ToolCall::id).collect(Collectors.toSet());
                    Set<String> following = new java.util.HashSet<>();
                    for (int j = i + 1; j < messages.size() && messages.get(j) instanceof ToolMessage tm; j++) {
                        following.add(tm.toolCallId());
                    }
                    assertThat(following).as("results right after the call at %d", i).isEqualTo(expected);
                }
                if (messages.get(i) instanceof ToolMessage tm) {
                    int k = i - 1;
                    while (k >= 0 && messages.get(k) instanceof ToolMessage) {
                        k--;
                    }
                    assertThat(k).as("a tool result needs its call before it").isGreaterThanOrEqualTo(0);
                    assertThat(messages.get(k)).isInstanceOfSatisfying(AssistantMessage.class, a ->
                            assertThat(a.toolCalls()).extracting(ToolCall::id).contains(tm.toolCallId()));
                }
            }
        });
    }

    @Test
    @DisplayName("transcript messages appear in chronological order and match selectedSeqs")
    void chronologicalAndAccounted() {
        forEachContext(SYSTEM, (t, budget, c) -> {
            assertThat(c.selectedSeqs()).isSorted().doesNotHaveDuplicates();
            int fromTranscript = c.selectedSeqs().size();
            List<Message> tail = c.messages().subList(c.messages().size() - fromTranscript, c.messages().size());
            List<Message> expected = c.selectedSeqs().stream().map(s -> t.get(s.intValue()).message()).toList();
            assertThat(tail).isEqualTo(expected);
            assertThat(c.messages()).hasSize(1 + c.derivedMessages() + fromTranscript);
        });
    }

    @Test
    @DisplayName("unanswered user turns are left out")
    void unansweredLeftOut() {
        forEachContext(SYSTEM, (t, budget, c) -> {
            for (long seq : c.selectedSeqs()) {
                assertThat(t.get((int) seq).has(EntryFlag.UNANSWERED)).as("entry %d", seq).isFalse();
            }
        });
    }

    @Test
    @DisplayName("the transcript is not changed")
    void transcriptUntouched() {
        for (Transcript transcript : transcripts()) {
            List<TranscriptEntry> before = List.copyOf(transcript.entries());
            try {
                select(strategy(), transcript, 600, SYSTEM, StrategyState.inMemory());
            } catch (ContextTooLargeException ignored) {
                // the rule is about the transcript
            }
            assertThat(transcript.entries()).isEqualTo(before);
        }
    }

    @Test
    @DisplayName("the same input gives the same context")
    void deterministic() {
        for (Transcript transcript : transcripts()) {
            for (int budget : BUDGETS) {
                MemoryContext first;
                try {
                    first = select(strategy(), transcript, budget, SYSTEM, StrategyState.inMemory());
                } catch (ContextTooLargeException e) {
                    assertThatThrownBy(() -> select(strategy(), transcript, budget, SYSTEM, StrategyState.inMemory()))
                            .isInstanceOf(ContextTooLargeException.class);
                    continue;
                }
                MemoryContext second = select(strategy(), transcript, budget, SYSTEM, StrategyState.inMemory());
                assertThat(second).isEqualTo(first);
            }
        }
    }

    @Test
    @DisplayName("a user turn larger than the budget is a ContextTooLargeException")
    void oversizeTurnIsATypedError() {
        String huge = "word ".repeat(2_000);
        Transcript transcript = Transcript.ofMessages(List.of(UserMessage.of("hello"), Message.assistant("hi"), UserMessage.of(huge)));
        assertThatThrownBy(() -> select(strategy(), transcript, 300, SYSTEM, StrategyState.inMemory()))
                .isInstanceOf(ContextTooLargeException.class);
    }

    @Test
    @DisplayName("with a large budget, a short conversation is sent whole")
    void shortConversationWhole() {
        Transcript transcript = Transcript.ofMessages(List.of(UserMessage.of("My name is Ada."), Message.assistant("Hello Ada."),
                UserMessage.of("What is my name?")));
        MemoryContext c = select(strategy(), transcript, 100_000, SYSTEM, StrategyState.inMemory());
        assertThat(c.selectedSeqs()).containsExactly(0L, 1L, 2L);
    }
}
