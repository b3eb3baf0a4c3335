package dev.llamakit.memory.hierarchical;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.memory.relevance.ConversationCache;
import dev.llamakit.memory.relevance.UnitLog;
import dev.llamakit.memory.relevance.UnitTokens;
import dev.llamakit.memory.running.ContextAssembly;
import dev.llamakit.memory.running.MemoryPreamble;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hierarchical}: a short-term window of recent turns, long-term recall of earlier turns relevant to the
 * current one, and the running summary of everything that left the window, each within its {@link BudgetShares
 * share} of the budget left after the system message.
 *
 * <ul>
 *   <li><b>Summary</b> ({@code summary-share}): the {@link RunningSummary} (the one {@code summarization} uses,
 *   under the same state key) folds turns that no longer fit the short-term share into the summary, a batch at a
 *   time; it is appended to the system message, cut to its share if needed.</li>
 *   <li><b>Recall</b> ({@code recall-share}): whole exchanges from before the window: pinned ones first, then by BM25
 *   relevance to the current turn. They are sent as the original messages, in chronological order before the
 *   window (tool blocks whole), and the system message gains one line saying that earlier messages were selected.</li>
 *   <li><b>Short-term window</b> ({@code short-term-share}, plus whatever the other parts leave unused): the newest
 *   turns, verbatim, the current one always.</li>
 * </ul>
 *
 * <p>Per conversation (the {@value ConversationCache#CAPACITY} most recent ones) it keeps the transcript's units, their
 * tokens, its exchanges and a BM25 postings index of them, and extends them with the new entries only ({@link UnitLog});
 * a turn scores from the postings of the query terms and takes exchanges in order only until nothing more fits, so it
 * chooses exactly what a full recomputation would, without re-reading the transcript. Summarizing reads only new
 * turns. Thread-safe.
 */
public final class HierarchicalStrategy implements MemoryStrategy {
    public static final String NAME = "hierarchical";
    /** The line added to the system message when earlier messages were recalled. */
    public static final String RECALL_NOTE = "Some earlier messages were recalled for their relevance to the latest message "
            + "and appear before the recent ones; the messages between them are left out.";

    private static final Logger log = LoggerFactory.getLogger(HierarchicalStrategy.class);

    private final RunningSummary summary;
    private final BudgetShares shares;
    private static final SystemMessage HEADING = new SystemMessage(MemoryPreamble.SUMMARY_HEADING + "\n");

    private final ConversationCache<State> states = new ConversationCache<>();

    private HierarchicalStrategy(RunningSummary summary, BudgetShares shares) {
        this.summary = Objects.requireNonNull(summary, "summary");
        this.shares = Objects.requireNonNull(shares, "shares");
    }

    /** A strategy with these parts. */
    public static HierarchicalStrategy of(RunningSummary summary, BudgetShares shares) {
        return new HierarchicalStrategy(summary, shares);
    }

    /** A strategy with the default shares and summary settings, summarizing with {@code summarizer}. */
    public static HierarchicalStrategy of(Summarizer summarizer) {
        return new HierarchicalStrategy(RunningSummary.builder(summarizer).build(), BudgetShares.DEFAULT);
    }

    @Override
    public String name() {
        return NAME;
    }

    public BudgetShares shares() {
        return shares;
    }

    public RunningSummary runningSummary() {
        return summary;
    }

    @Override
    public MemoryContext select(MemoryInput input) {
        return states.locked(input.conversationId(), State::new, kept -> select(input, kept));
    }

    private MemoryContext select(MemoryInput input, State kept) {
        TokenCounter counter = input.tokens();
        int budget = input.budget().promptTokens();
        SystemMessage system = input.system();
        int changed = kept.log.sync(input.transcript());
        kept.tokens.sync(kept.log, changed, counter);
        kept.recall.sync(kept.log, changed);
        List<List<TranscriptEntry>> units = kept.log.units();
        SummaryState state = summary.load(input, kept.loaded);
        if (units.isEmpty()) {
            return ContextAssembly.summaryOnly(system, state.summary(), budget, counter);
        }
        UnitTokens tokens = kept.tokens;
        int n = units.size();
        int currentTokens = tokens.get(n - 1);
        int systemTokens = ContextAssembly.requireCurrentTurnFits(system, currentTokens, budget, counter);
        int available = budget - systemTokens;
        int shortShare = BudgetShares.part(available, shares.shortTerm());
        int recallShare = BudgetShares.part(available, shares.recall());
        int summaryShare = BudgetShares.part(available, shares.summary());

        int headingTokens = counter.count(HEADING);
        int firstUncovered = firstAfter(units, state.throughSeq());
        // While everything not yet summarized still fits the whole budget beside the current summary, there is
        // nothing to gain from summarizing: the window takes the unused shares and sends it all verbatim.
        long uncoveredTokens = tokens.sum(firstUncovered, n);
        int summaryTokens = state.summary() == null || state.summary().isBlank() ? 0 : counter.count(kept.summaryMessage(state));
        int summarizeAbove = uncoveredTokens + summaryTokens <= available ? available : shortShare;
        SummaryState after = state;
        if (n - firstUncovered >= 2 && uncoveredTokens > summarizeAbove) {
            // only then can RunningSummary.advance do anything (it returns the state unchanged otherwise)
            List<TranscriptUnit> uncovered = new ArrayList<>(n - firstUncovered);
            for (int i = firstUncovered; i < n; i++) {
                uncovered.add(new TranscriptUnit(units.get(i), tokens.get(i)));
            }
            after = summary.advance(input, state, uncovered, summarizeAbove, Integer.MAX_VALUE,
                    Math.min(summary.maxTokens(), summaryShare - headingTokens));
        }

        // short-term window within its share
        int windowTokens = currentTokens;
        int windowStart = n - 1;
        for (int i = n - 2; i >= 0; i--) {
            int t = tokens.get(i);
            if (windowTokens + t > shortShare) {
                break;
            }
            windowTokens += t;
            windowStart = i;
        }

        // summary within its share
        int summaryLimit = Math.min(systemTokens + summaryShare, budget - currentTokens);
        MemoryPreamble preamble = kept.preamble(system, after.summary(), null, summaryLimit, counter);

        // recall within its share, from before the window
        int noteTokens = counter.count(RECALL_NOTE) + 2;
        int recallRoom = Math.min(recallShare, budget - preamble.tokens() - windowTokens) - noteTokens;
        List<Integer> recalledList = kept.recall.select(kept.log, kept.tokens, windowStart,
                units.get(n - 1).get(0).message().text(), recallRoom);
        int[] recalled = new int[recalledList.size()];
        int recallTokens = 0;
        for (int k = 0; k < recalled.length; k++) {
            recalled[k] = recalledList.get(k);
            recallTokens += tokens.get(recalled[k]);
        }
        Arrays.sort(recalled);
        if (recalled.length > 0) {
            preamble = kept.preamble(system, after.summary(), RECALL_NOTE, summaryLimit + noteTokens, counter);
        }

        // what is left flows to the window
        int leftover = budget - preamble.tokens() - windowTokens - recallTokens;
        for (int i = windowStart - 1; i >= 0; i--) {
            if (Arrays.binarySearch(recalled, i) >= 0) {
                continue;
            }
            int t = tokens.get(i);
            if (t > leftover) {
                break;
            }
            leftover -= t;
            windowStart = i;
        }
        while (windowStart < n - 1 && windowStart > 0 && Arrays.binarySearch(recalled, windowStart) < 0
                && Arrays.binarySearch(recalled, windowStart - 1) < 0 && !UnitTokens.startsTurn(units.get(windowStart))) {
            windowStart++; // do not open the window with a reply whose question is left out
        }
        // the recalled units before the window, in order, then the window
        int before = 0;
        while (before < recalled.length && recalled[before] < windowStart) {
            before++;
        }
        List<TranscriptUnit> parts = new ArrayList<>(before + n - windowStart);
        for (int k = 0; k < before; k++) {
            parts.add(new TranscriptUnit(units.get(recalled[k]), tokens.get(recalled[k])));
        }
        for (int i = windowStart; i < n; i++) {
            parts.add(new TranscriptUnit(units.get(i), tokens.get(i)));
        }
        if (log.isDebugEnabled()) {
            log.debug("conversation {}: summary {} tokens, {} units recalled ({} tokens), window of {} units", input.conversationId(),
                    preamble.summaryShown().isEmpty() ? 0 : counter.count(preamble.summaryShown()), recalled.length, recallTokens,
                    n - windowStart);
        }
        return ContextAssembly.build(preamble, parts, budget, counter);
    }

    @Override
    public String toString() {
        return "HierarchicalStrategy[" + shares + ", " + summary + "]";
    }

    /** The index of the first unit that starts after {@code throughSeq}. */
    private static int firstAfter(List<List<TranscriptEntry>> units, long throughSeq) {
        int lo = 0;
        int hi = units.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (units.get(mid).get(0).seq() <= throughSeq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** What is kept for one conversation between turns (see {@link UnitLog}); used under its lock. */
    private static final class State {
        final UnitLog log = new UnitLog();
        final UnitTokens tokens = new UnitTokens();
        final LongTermRecall recall = new LongTermRecall();
        final RunningSummary.LoadMemo loaded = new RunningSummary.LoadMemo();
        private String summaryText;
        private SystemMessage summaryMessage;
        private final MemoryPreamble[] preambles = new MemoryPreamble[2];
        private final Object[][] preambleKeys = new Object[2][];

        private static int countOf(MemoryPreamble p, TokenCounter counter) {
            SystemMessage m = p.message().orElse(null);
            return m == null ? 0 : counter.count(m);
        }

        /** The summary with its heading as a message, built once per summary (the counter caches its count). */
        SystemMessage summaryMessage(SummaryState state) {
            if (summaryMessage == null || summaryText != state.summary()) {
                summaryText = state.summary();
                summaryMessage = new SystemMessage(MemoryPreamble.SUMMARY_HEADING + "\n" + summaryText);
            }
            return summaryMessage;
        }

        /**
         * {@link MemoryPreamble#of}, kept while its inputs are the same (the same summary string, an equal system
         * message, limit and counter) and the counter still counts its message as then.
         */
        MemoryPreamble preamble(SystemMessage system, String summaryText, String note, int maxTokens, TokenCounter counter) {
            int slot = note == null ? 0 : 1;
            Object[] key = preambleKeys[slot];
            MemoryPreamble p = preambles[slot];
            if (p != null && key[0] == summaryText && Objects.equals(key[1], system) && (int) key[2] == maxTokens
                    && key[3] == counter && countOf(p, counter) == p.tokens()
                    && (system == null || (int) key[4] == counter.count(system))) {
                return p;
            }
            p = MemoryPreamble.of(system, summaryText, note, maxTokens, counter);
            preambles[slot] = p;
            preambleKeys[slot] = new Object[] {summaryText, system, maxTokens, counter, system == null ? 0 : counter.count(system)};
            return p;
        }
    }
}
