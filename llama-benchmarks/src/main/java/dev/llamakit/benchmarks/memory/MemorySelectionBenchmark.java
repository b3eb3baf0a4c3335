package dev.llamakit.benchmarks.memory;

import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.FullHistoryStrategy;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-turn cost of choosing a request's messages: one operation is one {@link MemoryStrategy#select} over a
 * transcript of {@code messages} messages ({@link SyntheticTranscripts}), the last one being the user turn being
 * answered.
 *
 * <p>{@code selective-retention} and {@code hierarchical} keep per-conversation state between turns (units, tokens,
 * postings), extended with new entries only. The benchmark's transcript does not change between operations, so each
 * operation is the steady state of a conversation whose state is up to date and whose current turn is regrouped and
 * re-indexed (as on a real turn, where the previous turn's reply and the new user turn are). The first operation of a
 * trial builds the state (in the setup's warm-up call).
 *
 * <ul>
 *   <li>{@link #select}: each strategy at its defaults ({@code sliding-window} keeps the last 10 messages) with a
 *       {@code ContextBudget(32_768, 4_096)}, that is 28,672 prompt tokens. {@code full-history} gets a budget of
 *       about 10^9 tokens instead, so that it never fails. {@code summarization} and {@code hierarchical} summarize
 *       with an in-memory {@link ExtractiveSummarizer}. Their state is caught up before the measurement, so that the
 *       measured turn is a steady-state turn that needs no summary call. The tear-down checks that no call and no
 *       state write happened while measuring.</li>
 *   <li>{@link #selectSummarizingBatch}: the turn on which {@code summarization} or {@code hierarchical} folds a
 *       batch of older messages into the running summary (one summarizer call, one state write per operation). This
 *       only happens when the transcript outgrows the budget, so it runs at 1,000 and 10,000 messages.</li>
 *   <li>{@link #transcriptUnits}: {@code Transcript.of(entries).units()} alone, the grouping into units that
 *       {@code sliding-window}, {@code selective-retention}, {@code hierarchical} and {@code full-history} do on
 *       every turn.</li>
 * </ul>
 *
 * <p>Each operation builds a new {@code Transcript} snapshot over the same immutable entries, as
 * {@code Conversation} does each turn, so {@code units()} (cached per snapshot) is recomputed every time. The token
 * counter is a new {@link EstimatingTokenCounter} per trial. It caches counts per message, and the setup warms it
 * with every message of the transcript, which a conversation's counter would already have seen on earlier turns.
 * The figures are therefore for cached counts.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MemorySelectionBenchmark {
    static final ContextBudget BUDGET = new ContextBudget(32_768, 4_096);
    /** For {@code full-history}: large enough for any transcript here. */
    static final ContextBudget UNLIMITED = new ContextBudget(1 << 30, 4_096);
    static final long SEED = 42;
    static final String ID = "bench";
    /** How many messages the batch turn's transcript has beyond the caught-up prefix. */
    static final int BATCH_GAP = 12;

    /** The steady-state turn of each strategy. */
    @State(Scope.Benchmark)
    public static class Selection {
        @Param({"sliding-window", "selective-retention", "summarization", "hierarchical", "full-history"})
        public String strategy;
        @Param({"100", "1000", "10000", "100000"})
        public int messages;

        List<TranscriptEntry> entries;
        EstimatingTokenCounter tokens;
        ContextBudget budget;
        MemoryStrategy memory;
        ExtractiveSummarizer summarizer;
        FixedState state;
        long callsAfterSetup;

        @Setup(Level.Trial)
        public void setUp() {
            entries = SyntheticTranscripts.entries(messages, SEED);
            tokens = warmCounter(entries);
            budget = strategy.equals(FullHistoryStrategy.NAME) ? UNLIMITED : BUDGET;
            summarizer = new ExtractiveSummarizer();
            memory = create(strategy, summarizer);
            StrategyState live = StrategyState.inMemory();
            int catchUpCalls = catchUp(memory, Transcript.of(entries), live, summarizer, tokens, budget);
            state = new FixedState(RunningSummary.STATE_KEY, live.get(RunningSummary.STATE_KEY).orElse(null));
            callsAfterSetup = summarizer.calls();
            MemoryContext context = memory.select(input(entries, budget, tokens, state));
            if (summarizer.calls() != callsAfterSetup || state.puts() != 0) {
                throw new IllegalStateException("the steady-state turn summarized: the setup did not catch up");
            }
            System.out.printf(Locale.ROOT, "%n[setup] %s, %d messages (%,d tokens in all): context of %d messages, %,d tokens%s%n",
                    strategy, messages, tokens.count(SyntheticTranscripts.SYSTEM) + totalTokens(entries, tokens),
                    context.messages().size(), context.estimatedTokens(), summaryNote(state, catchUpCalls));
        }

        @TearDown(Level.Trial)
        public void check() {
            if (summarizer.calls() != callsAfterSetup || state.puts() != 0) {
                throw new IllegalStateException("a measured steady-state turn called the summarizer ("
                        + (summarizer.calls() - callsAfterSetup) + " calls) or wrote the state (" + state.puts() + " writes)");
            }
        }
    }

    /** The turn that folds one batch into the running summary. */
    @State(Scope.Benchmark)
    public static class SummarizingTurn {
        @Param({"summarization", "hierarchical"})
        public String strategy;
        @Param({"1000", "10000"})
        public int messages;

        List<TranscriptEntry> entries;
        EstimatingTokenCounter tokens;
        MemoryStrategy memory;
        ExtractiveSummarizer summarizer;
        FixedState state;
        long callsAfterSetup;

        @Setup(Level.Trial)
        public void setUp() {
            entries = SyntheticTranscripts.entries(messages, SEED);
            tokens = warmCounter(entries);
            summarizer = new ExtractiveSummarizer();
            memory = create(strategy, summarizer);
            // catch up on a prefix that ends BATCH_GAP messages earlier (at a user turn); the full transcript is then a
            // few messages over the limit, as on the turn of a live conversation that triggers a summary call
            int end = entries.size() - 1 - BATCH_GAP;
            for (int attempt = 0; attempt < 50 && end > 0; attempt++) {
                int k = end;
                while (k > 0 && !(entries.get(k).message() instanceof UserMessage && !entries.get(k).has(EntryFlag.UNANSWERED))) {
                    k--;
                }
                StrategyState live = StrategyState.inMemory();
                catchUp(memory, Transcript.of(entries.subList(0, k + 1)), live, summarizer, tokens, BUDGET);
                String before = live.get(RunningSummary.STATE_KEY).orElse(null);
                FixedState probe = new FixedState(RunningSummary.STATE_KEY, before);
                long calls = summarizer.calls();
                memory.select(input(entries, BUDGET, tokens, probe));
                if (summarizer.calls() - calls == 1 && probe.puts() == 1) {
                    state = new FixedState(RunningSummary.STATE_KEY, before);
                    long from = before == null ? -1 : SummaryState.fromJson(before).orElseThrow().throughSeq();
                    long to = SummaryState.fromJson(probe.lastPut()).orElseThrow().throughSeq();
                    System.out.printf(Locale.ROOT, "%n[setup] %s, %d messages: the measured turn folds entries %d-%d (%d messages) "
                            + "into the summary; state caught up on the first %d entries%n", strategy, messages, from + 1, to, to - from, k + 1);
                    callsAfterSetup = summarizer.calls();
                    return;
                }
                end = k - 6;
            }
            throw new IllegalStateException("found no turn that summarizes exactly one batch");
        }

        @TearDown(Level.Trial)
        public void check() {
            long calls = summarizer.calls() - callsAfterSetup;
            if (calls == 0 || calls != state.puts()) {
                throw new IllegalStateException("expected one summarizer call and one state write per operation, got "
                        + calls + " calls and " + state.puts() + " writes");
            }
        }
    }

    /** The entries alone, for {@link #transcriptUnits}. */
    @State(Scope.Benchmark)
    public static class Entries {
        @Param({"100", "1000", "10000"})
        public int messages;

        List<TranscriptEntry> entries;

        @Setup(Level.Trial)
        public void setUp() {
            entries = SyntheticTranscripts.entries(messages, SEED);
        }
    }

    @Benchmark
    public MemoryContext select(Selection s) {
        return s.memory.select(input(s.entries, s.budget, s.tokens, s.state));
    }

    @Benchmark
    public MemoryContext selectSummarizingBatch(SummarizingTurn s) {
        return s.memory.select(input(s.entries, BUDGET, s.tokens, s.state));
    }

    @Benchmark
    public List<List<TranscriptEntry>> transcriptUnits(Entries s) {
        return Transcript.of(s.entries).units();
    }

    static MemoryInput input(List<TranscriptEntry> entries, ContextBudget budget, EstimatingTokenCounter tokens, StrategyState state) {
        return new MemoryInput(ID, SyntheticTranscripts.SYSTEM, Transcript.of(entries), budget, tokens, state);
    }

    /** The named strategy at its defaults; the summarizing ones with {@code summarizer}. */
    static MemoryStrategy create(String name, Summarizer summarizer) {
        ProviderOptions.Builder options = ProviderOptions.builder();
        switch (name) {
            case "sliding-window" -> options.put("max-messages", "10"); // the default, spelled out
            case "summarization", "hierarchical" -> options.service(Summarizer.class, summarizer);
            default -> {
            }
        }
        return MemoryStrategies.create(name, options.build());
    }

    /** A new counter that has seen every message once (it caches per message). */
    static EstimatingTokenCounter warmCounter(List<TranscriptEntry> entries) {
        EstimatingTokenCounter tokens = new EstimatingTokenCounter();
        tokens.count(SyntheticTranscripts.SYSTEM);
        for (TranscriptEntry e : entries) {
            tokens.count(e.message());
        }
        return tokens;
    }

    static long totalTokens(List<TranscriptEntry> entries, EstimatingTokenCounter tokens) {
        long total = 0;
        for (TranscriptEntry e : entries) {
            total += tokens.count(e.message());
        }
        return total;
    }

    /** Selects until a selection makes no summarizer call (a strategy makes at most one per selection); returns the calls. */
    static int catchUp(MemoryStrategy memory, Transcript transcript, StrategyState state, ExtractiveSummarizer summarizer,
                       EstimatingTokenCounter tokens, ContextBudget budget) {
        long start = summarizer.calls();
        for (int i = 0; i < 100_000; i++) {
            long before = summarizer.calls();
            memory.select(new MemoryInput(ID, SyntheticTranscripts.SYSTEM, transcript, budget, tokens, state));
            if (summarizer.calls() == before) {
                return (int) (summarizer.calls() - start);
            }
        }
        throw new IllegalStateException("the running summary never caught up");
    }

    private static String summaryNote(FixedState state, int catchUpCalls) {
        return state.get(RunningSummary.STATE_KEY)
                .flatMap(SummaryState::fromJson)
                .map(s -> String.format(Locale.ROOT, "; summary through entry %d (%d catch-up calls)", s.throughSeq(), catchUpCalls))
                .orElse("");
    }
}
