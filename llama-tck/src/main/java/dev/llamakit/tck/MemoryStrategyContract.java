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

    /**
     * The transcripts every rule is checked on: ordinary conversations and the hard cases (orphan, stray and
     * duplicate tool results, interrupted tool loops, system entries, a message larger than most budgets).
     */
    protected List<Transcript> transcripts() {
        List<Transcript> list = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            list.add(SampleTranscripts.conversation(1 + (int) (seed * 7 % 40), seed));
        }
        list.add(SampleTranscripts.conversation(80, 99));
        for (long seed = 1; seed <= 4; seed++) {
            list.add(SampleTranscripts.hardCases(6 + (int) (seed * 11 % 30), seed));
        }
        list.add(SampleTranscripts.issueExample());
        return list;
    }

    /**
     * Checks that {@code messages} is a request an OpenAI-compatible server accepts: at most one system message,
     * first; every tool result right after the assistant message whose call it answers (each call answered exactly
     * once, in the block that follows the call); no tool result anywhere else; and a user message last. Usable from
     * your own tests (e.g. property-based ones).
     */
    public static void assertValidRequest(List<Message> messages) {
        assertThat(messages).as("a request has messages").isNotEmpty();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m instanceof SystemMessage) {
                assertThat(i).as("a system message may only come first (found one at %d)", i).isZero();
            }
            if (m instanceof AssistantMessage a && a.hasToolCalls()) {
                Set<String> expected = a.toolCalls().stream().map(ToolCall::id).collect(Collectors.toSet());
                assertThat(expected).as("tool call ids of the message at %d are distinct", i).hasSize(a.toolCalls().size());
                List<String> following = new ArrayList<>();
                for (int j = i + 1; j < messages.size() && messages.get(j) instanceof ToolMessage tm; j++) {
                    following.add(tm.toolCallId());
                }
                assertThat(following).as("the results right after the tool call at %d answer each call once", i)
                        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
            }
            if (m instanceof ToolMessage tm) {
                int k = i - 1;
                while (k >= 0 && messages.get(k) instanceof ToolMessage) {
                    k--;
                }
                assertThat(k).as("the tool result at %d has its call before it", i).isGreaterThanOrEqualTo(0);
                assertThat(messages.get(k)).as("the tool result at %d follows the call it answers", i)
                        .isInstanceOfSatisfying(AssistantMessage.class, a ->
                                assertThat(a.toolCalls()).extracting(ToolCall::id).contains(tm.toolCallId()));
            }
        }
        assertThat(messages.get(messages.size() - 1)).as("the last message is the user turn").isInstanceOf(UserMessage.class);
    }

    /** The tokens of the smallest valid context: the (folded) system message and the current turn. */
    private int minimalTokens(Transcript transcript, int budget, SystemMessage system) {
        return tokens().count(input(transcript, budget, system, StrategyState.inMemory()).requiredMessages());
    }

    private MemoryInput input(Transcript transcript, int budget, SystemMessage system, StrategyState state) {
        return new MemoryInput("contract", system, transcript, new ContextBudget(budget + 4_096, 4_096), tokens(), state);
    }

    private MemoryContext select(MemoryStrategy strategy, Transcript transcript, int budget, SystemMessage system,
                                 StrategyState state) {
        return strategy.select(input(transcript, budget, system, state));
    }

    /**
     * Runs {@code check} on every transcript and budget. A strategy may give up ({@link ContextTooLargeException})
     * only when not even the system message and the current turn fit: a strategy that gives up whenever the history
     * does not fit fails here.
     */
    private void forEachContext(SystemMessage system, ContextCheck check) {
        int checked = 0;
        for (Transcript transcript : transcripts()) {
            for (int budget : BUDGETS) {
                MemoryContext context;
                try {
                    context = select(strategy(), transcript, budget, system, StrategyState.inMemory());
                } catch (ContextTooLargeException e) {
                    assertThat(minimalTokens(transcript, budget, system))
                            .as("gave up at budget %d (%s) although the system message and the current turn fit", budget,
                                    e.getMessage())
                            .isGreaterThan(budget);
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
    @DisplayName("every request is valid for an OpenAI-compatible server")
    void requestsAreValid() {
        forEachContext(SYSTEM, (t, budget, c) -> assertValidRequest(c.messages()));
        forEachContext(null, (t, budget, c) -> assertValidRequest(c.messages()));
    }

    @Test
    @DisplayName("system entries of the transcript are folded into the one system message at the head")
    void systemEntriesFoldedIntoTheHead() {
        forEachContext(SYSTEM, (t, budget, c) -> {
            for (SystemMessage entry : t.systemEntries()) {
                assertThat(c.messages().get(0).text()).as("budget %d", budget).contains(entry.text());
            }
            assertThat(c.messages().subList(1, c.messages().size())).noneMatch(SystemMessage.class::isInstance);
        });
        forEachContext(null, (t, budget, c) -> {
            if (!t.systemEntries().isEmpty()) {
                assertThat(c.messages().get(0)).isInstanceOf(SystemMessage.class);
                t.systemEntries().forEach(entry -> assertThat(c.messages().get(0).text()).contains(entry.text()));
            }
            assertThat(c.messages().subList(1, c.messages().size())).noneMatch(SystemMessage.class::isInstance);
        });
    }

    @Test
    @DisplayName("issue 14's transcript: only the result that answers the call, once")
    void strayAndDuplicateResultsLeftOut() {
        Transcript t = SampleTranscripts.issueExample();
        for (int budget : BUDGETS) {
            MemoryContext c = select(strategy(), t, budget, SYSTEM, StrategyState.inMemory());
            assertValidRequest(c.messages());
            assertThat(c.selectedSeqs()).doesNotContain(2L, 4L);
            if (budget >= 5_000) {
                assertThat(c.selectedSeqs()).containsExactly(0L, 1L, 3L, 5L, 6L);
            }
        }
    }

    @Test
    @DisplayName("a message larger than the budget in the history does not stop the conversation")
    void oversizeHistoryMessageIsSkippedNotFatal() {
        Transcript t = Transcript.ofMessages(List.of(UserMessage.of("hello"), Message.assistant("hi"),
                UserMessage.of(SampleTranscripts.oversizeText(3_000)), Message.assistant("Noted."), UserMessage.of("Thanks. And now?")));
        for (int budget : new int[] {160, 600, 1_200}) {
            MemoryContext c = select(strategy(), t, budget, SYSTEM, StrategyState.inMemory());
            assertValidRequest(c.messages());
            assertThat(tokens().count(c.messages())).isLessThanOrEqualTo(budget);
            assertThat(c.selectedSeqs()).contains(4L).doesNotContain(2L);
        }
    }

    @Test
    @DisplayName("without a system message, the context is the derived messages and transcript messages only")
    void noSystemMessage() {
        forEachContext(null, (t, budget, c) -> {
            int folded = t.systemMessage(null) == null || c.derivedMessages() > 0 ? 0 : 1;
            assertThat(c.messages()).hasSize(folded + c.derivedMessages() + c.selectedSeqs().size());
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
