package dev.llamakit.memory.hierarchical;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.running.ContextAssembly;
import dev.llamakit.memory.running.MemoryPreamble;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14 reference: {@code hierarchical} before it became incremental (a full rebuild per turn), kept to check
 * that the incremental one chooses the same.
 *
 * <p>{@code hierarchical}: a short-term window of recent turns, long-term recall of earlier turns relevant to the
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
 * <p>Per turn it groups the whole transcript into units and builds a BM25 index over the part before the window,
 * so its cost grows with the transcript (see the docs for figures); summarizing reads only new turns. Thread-safe.
 */
final class ReferenceHierarchical implements MemoryStrategy {
    static final String NAME = "hierarchical";
    /** The line added to the system message when earlier messages were recalled. */
    static final String RECALL_NOTE = "Some earlier messages were recalled for their relevance to the latest message "
            + "and appear before the recent ones; the messages between them are left out.";

    private static final Logger log = LoggerFactory.getLogger(ReferenceHierarchical.class);

    private final RunningSummary summary;
    private final BudgetShares shares;

    ReferenceHierarchical(RunningSummary summary, BudgetShares shares) {
        this.summary = Objects.requireNonNull(summary, "summary");
        this.shares = Objects.requireNonNull(shares, "shares");
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
        TokenCounter counter = input.tokens();
        int budget = input.budget().promptTokens();
        SystemMessage system = input.system();
        int systemTokens = system == null ? 0 : counter.count(system);
        List<List<TranscriptEntry>> units = input.transcript().units();
        SummaryState state = summary.load(input);
        if (units.isEmpty()) {
            return ContextAssembly.build(MemoryPreamble.of(system, state.summary(), null, budget, counter), List.of(), budget, counter);
        }
        Units counted = new Units(units, counter);
        int n = units.size();
        TranscriptUnit current = counted.get(n - 1);
        if (systemTokens + current.tokens() > budget) {
            throw new ContextTooLargeException("the system message and the current user turn do not fit the budget",
                    systemTokens + current.tokens(), budget);
        }
        int available = budget - systemTokens;
        int shortShare = BudgetShares.part(available, shares.shortTerm());
        int recallShare = BudgetShares.part(available, shares.recall());
        int summaryShare = BudgetShares.part(available, shares.summary());

        int headingTokens = counter.count(new SystemMessage(MemoryPreamble.SUMMARY_HEADING + "\n"));
        List<TranscriptUnit> uncovered = new ArrayList<>();
        for (int i = firstAfter(units, state.throughSeq()); i < n; i++) {
            uncovered.add(counted.get(i));
        }
        // While everything not yet summarized still fits the whole budget beside the current summary, there is
        // nothing to gain from summarizing: the window takes the unused shares and sends it all verbatim.
        long uncoveredTokens = 0;
        for (TranscriptUnit unit : uncovered) {
            uncoveredTokens += unit.tokens();
        }
        int summaryTokens = state.summary() == null || state.summary().isBlank() ? 0
                : counter.count(new SystemMessage(MemoryPreamble.SUMMARY_HEADING + "\n" + state.summary()));
        int summarizeAbove = uncoveredTokens + summaryTokens <= available ? available : shortShare;
        SummaryState after = summary.advance(input, state, uncovered, summarizeAbove, Integer.MAX_VALUE,
                Math.min(summary.maxTokens(), summaryShare - headingTokens));

        // short-term window within its share
        int windowTokens = current.tokens();
        int windowStart = n - 1;
        for (int i = n - 2; i >= 0; i--) {
            int t = counted.get(i).tokens();
            if (windowTokens + t > shortShare) {
                break;
            }
            windowTokens += t;
            windowStart = i;
        }

        // summary within its share
        int summaryLimit = Math.min(systemTokens + summaryShare, budget - current.tokens());
        MemoryPreamble preamble = MemoryPreamble.of(system, after.summary(), null, summaryLimit, counter);

        // recall within its share, from before the window
        int noteTokens = counter.count(RECALL_NOTE) + 2;
        int recallRoom = Math.min(recallShare, budget - preamble.tokens() - windowTokens) - noteTokens;
        List<Integer> recalled = ReferenceLongTermRecall.select(units.subList(0, windowStart), current.entries().get(0).message().text(),
                recallRoom, counter);
        int recallTokens = 0;
        for (int i : recalled) {
            recallTokens += counted.get(i).tokens();
        }
        if (!recalled.isEmpty()) {
            preamble = MemoryPreamble.of(system, after.summary(), RECALL_NOTE, summaryLimit + noteTokens, counter);
        }

        // what is left flows to the window
        Set<Integer> chosen = new TreeSet<>(recalled);
        int leftover = budget - preamble.tokens() - windowTokens - recallTokens;
        for (int i = windowStart - 1; i >= 0; i--) {
            if (chosen.contains(i)) {
                continue;
            }
            int t = counted.get(i).tokens();
            if (t > leftover) {
                break;
            }
            leftover -= t;
            windowStart = i;
        }
        while (windowStart < n - 1 && windowStart > 0 && !chosen.contains(windowStart) && !chosen.contains(windowStart - 1)
                && !counted.get(windowStart).startsTurn()) {
            windowStart++; // do not open the window with a reply whose question is left out
        }
        for (int i = windowStart; i < n; i++) {
            chosen.add(i);
        }
        List<TranscriptUnit> parts = new ArrayList<>(chosen.size());
        for (int i : chosen) {
            parts.add(counted.get(i));
        }
        if (log.isDebugEnabled()) {
            log.debug("conversation {}: summary {} tokens, {} units recalled ({} tokens), window of {} units", input.conversationId(),
                    preamble.summaryShown().isEmpty() ? 0 : counter.count(preamble.summaryShown()), recalled.size(), recallTokens,
                    n - windowStart);
        }
        return ContextAssembly.build(preamble, parts, budget, counter);
    }

    @Override
    public String toString() {
        return "HierarchicalStrategy[" + shares + ", " + summary + "]";
    }

    private static int firstAfter(List<List<TranscriptEntry>> units, long throughSeq) {
        int k = 0;
        while (k < units.size() && units.get(k).get(0).seq() <= throughSeq) {
            k++;
        }
        return k;
    }

    /** Units counted on first use. */
    private static final class Units {
        private final List<List<TranscriptEntry>> units;
        private final TokenCounter counter;
        private final Map<Integer, TranscriptUnit> counted = new HashMap<>();

        Units(List<List<TranscriptEntry>> units, TokenCounter counter) {
            this.units = units;
            this.counter = counter;
        }

        TranscriptUnit get(int i) {
            return counted.computeIfAbsent(i, k -> TranscriptUnit.of(units.get(k), counter));
        }
    }
}
