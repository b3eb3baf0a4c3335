package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.hierarchical.HierarchicalStrategy;
import dev.llamakit.memory.selective.SelectiveRetentionStrategy;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.summary.SummarizationStrategy;
import dev.llamakit.memory.window.SlidingWindowStrategy;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.tck.MemoryStrategyContract;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 14, item 8: for random transcripts (orphan, stray and duplicate tool results, interrupted tool loops, system
 * entries, unanswered turns, oversize messages) and random budgets, every strategy's request is valid for an
 * OpenAI-compatible server (one system message, first; every tool result right after its call with a matching id,
 * each call answered once; no orphan; the current user turn last) and fits the budget, or the strategy throws
 * {@link ContextTooLargeException}, and then only when not even the system message and the current turn fit. Each
 * transcript is played turn by turn with one strategy state, as a conversation would.
 */
class MemoryStrategyPropertiesTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] IDS = {"c1", "c2", "c3", "c9"};
    private static final String[] WORDS = {"order", "1234", "Lisbon", "budget", "shipped", "Ada", "the", "and", "rack",
        "B7", "invoice", "Friday", "contract", "review"};

    /** One step of a generated transcript: a kind, a size, an id choice and a flag choice. */
    record Op(int kind, int size, int id, int flag) {
    }

    @Provide
    Arbitrary<Transcript> transcripts() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, Arbitraries.integers().between(1, 40)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(300, 2_500))),
                Arbitraries.integers().between(0, 15), Arbitraries.integers().between(0, 19)).as(Op::new);
        return op.list().ofMinSize(0).ofMaxSize(40).map(MemoryStrategyPropertiesTest::build);
    }

    static Transcript build(List<Op> ops) {
        List<TranscriptEntry> entries = new ArrayList<>();
        for (Op op : ops) {
            Message m = switch (op.kind()) {
                case 0, 1, 2 -> UserMessage.of(text(op));
                case 3, 4 -> new AssistantMessage(text(op), List.of(), StopReason.STOP);
                case 5 -> calls(op);
                case 6, 7 -> Message.tool(IDS[op.id() % IDS.length], text(op));
                case 8 -> Message.system("Note " + text(op));
                default -> op.id() % 2 == 0 ? UserMessage.of(text(op)) : calls(op);
            };
            Set<EntryFlag> flags = op.flag() == 0 ? Set.of(EntryFlag.UNANSWERED)
                    : op.flag() == 1 ? Set.of(EntryFlag.PINNED) : op.flag() == 2 ? Set.of(EntryFlag.IMPORTANT) : Set.of();
            entries.add(new TranscriptEntry(entries.size(), m, T.plusSeconds(entries.size()), flags, null));
        }
        entries.add(new TranscriptEntry(entries.size(), UserMessage.of("And what about order 1234 now?"), T, Set.of(), null));
        return Transcript.of(entries);
    }

    private static AssistantMessage calls(Op op) {
        List<ToolCall> calls = new ArrayList<>();
        int n = 1 + op.id() % 3;
        for (int i = 0; i < n; i++) {
            String id = IDS[(op.id() / 3 + i) % IDS.length];
            calls.add(new ToolCall(id, i == 0 ? "lookup" : "calendar", "{\"q\":\"" + id + "\"}"));
        }
        return new AssistantMessage(op.size() % 3 == 0 ? "Let me check." : "", calls, StopReason.TOOL_CALLS);
    }

    private static String text(Op op) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < op.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[(op.id() * 7 + i * 3 + op.flag()) % WORDS.length]);
        }
        return sb.toString();
    }

    static final Summarizer SCRIPTED = request -> "Digest " + Integer.toHexString((request.text() + request.previousSummary()).hashCode())
            + " of " + request.text().lines().count() + " lines.";

    static List<Supplier<MemoryStrategy>> strategies() {
        return List.of(
                () -> SlidingWindowStrategy.lastMessages(10),
                () -> SlidingWindowStrategy.builder().maxTokens(900).startOnUser(true).build(),
                () -> SelectiveRetentionStrategy.builder().build(),
                () -> SummarizationStrategy.of(SCRIPTED),
                () -> SummarizationStrategy.builder(RunningSummary.builder(SCRIPTED).batchMessages(4).maxTokens(64).build())
                        .recentMessages(6).recentTokens(300).build(),
                () -> HierarchicalStrategy.of(SCRIPTED));
    }

    @Property(tries = 300)
    void everyRequestIsValidAndFitsOrTheMinimalContextDoesNot(@ForAll("transcripts") Transcript transcript,
                                                              @ForAll @IntRange(min = 30, max = 6_000) int budget,
                                                              @ForAll boolean withSystemPrompt) {
        SystemMessage system = withSystemPrompt ? new SystemMessage("You are a careful assistant. Keep answers short.") : null;
        for (Supplier<MemoryStrategy> make : strategies()) {
            MemoryStrategy strategy = make.get();
            StrategyState state = StrategyState.inMemory();
            TokenCounter tokens = new EstimatingTokenCounter();
            // play the conversation: a selection at every user turn, one state throughout
            for (TranscriptEntry e : transcript.entries()) {
                if (e.message() instanceof UserMessage && !e.has(EntryFlag.UNANSWERED)) {
                    Transcript prefix = Transcript.of(transcript.entries().subList(0, (int) e.seq() + 1));
                    check(strategy, new MemoryInput("p", system, prefix, new ContextBudget(budget + 1_024, 1_024), tokens, state));
                }
            }
        }
    }

    private static void check(MemoryStrategy strategy, MemoryInput input) {
        int budget = input.budget().promptTokens();
        MemoryContext c;
        try {
            c = strategy.select(input);
        } catch (ContextTooLargeException e) {
            assertThat(input.tokens().count(input.requiredMessages()))
                    .as("%s gave up (%s) although the system message and the current turn fit", strategy.name(), e.getMessage())
                    .isGreaterThan(budget);
            return;
        }
        MemoryStrategyContract.assertValidRequest(c.messages());
        assertThat(input.tokens().count(c.messages())).as("%s within budget %d", strategy.name(), budget).isLessThanOrEqualTo(budget);
        assertThat(c.messages().get(c.messages().size() - 1)).isEqualTo(input.currentTurn().message());
        if (input.system() != null) {
            assertThat(c.messages().get(0)).isInstanceOf(SystemMessage.class);
            assertThat(c.messages().get(0).text()).startsWith(input.system().text());
        }
        assertThat(c.selectedSeqs()).isSorted().doesNotHaveDuplicates();
        for (long seq : c.selectedSeqs()) {
            TranscriptEntry e = input.transcript().get((int) seq);
            assertThat(e.has(EntryFlag.UNANSWERED)).isFalse();
            assertThat(e.message()).isNotInstanceOf(SystemMessage.class);
        }
    }
}
