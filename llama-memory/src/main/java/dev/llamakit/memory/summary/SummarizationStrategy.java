package dev.llamakit.memory.summary;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.memory.relevance.ConversationCache;
import dev.llamakit.memory.running.ContextAssembly;
import dev.llamakit.memory.running.MemoryPreamble;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code summarization}: recent turns verbatim, older ones folded into a running summary.
 *
 * <p>Each turn: the units not yet covered by the summary are sent verbatim, newest first, as far as the budget
 * goes. When they exceed the verbatim limit ({@code recent-tokens} / {@code recent-messages}; by default all of the
 * budget that the system message and the summary's cap leave), the oldest of them are folded into the summary by the
 * {@link RunningSummary} (one call per batch of at least {@code batch-messages} messages, never one per turn). The
 * summary is appended to the system message ({@link MemoryPreamble}) and has priority over older verbatim messages;
 * only the current turn beats it. Pinned messages that are no longer verbatim are added back, in order, when room is
 * left.
 *
 * <p>The summary and the entry it reaches are stored in the conversation's strategy state, so a resumed conversation
 * continues from there; per-turn work counts only the entries after that point (and the pinned units it adds back).
 * Per conversation (the {@value ConversationCache#CAPACITY} most recent ones) it keeps the transcript's units and which
 * of them hold a pinned message, extended with new entries only. Thread-safe.
 */
public final class SummarizationStrategy implements MemoryStrategy {
    public static final String NAME = "summarization";

    private final RunningSummary summary;
    private final ConversationCache<State> states = new ConversationCache<>();
    private final int recentTokens;
    private final int recentMessages;

    private SummarizationStrategy(Builder b) {
        this.summary = b.summary;
        this.recentTokens = b.recentTokens;
        this.recentMessages = b.recentMessages;
    }

    /** A strategy with the default settings, summarizing with {@code summarizer}. */
    public static SummarizationStrategy of(Summarizer summarizer) {
        return builder(RunningSummary.builder(summarizer).build()).build();
    }

    public static Builder builder(RunningSummary summary) {
        return new Builder(summary);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The running summary this strategy keeps. */
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
        SummaryState state = summary.load(input, kept.loaded);
        List<TranscriptUnit> uncovered = TranscriptUnit.ofAll(input.transcript().unitsAfter(state.throughSeq()), counter);
        if (uncovered.isEmpty()) {
            return ContextAssembly.summaryOnly(system, state.summary(), budget, counter);
        }
        TranscriptUnit current = uncovered.get(uncovered.size() - 1);
        int systemTokens = ContextAssembly.requireCurrentTurnFits(system, current.tokens(), budget, counter);
        int cap = Math.min(summary.maxTokens(), (budget - systemTokens) / 2);
        int reserve = cap + counter.count(new SystemMessage(MemoryPreamble.SUMMARY_HEADING + "\n"));
        int verbatimTokens = Math.min(recentTokens, budget - systemTokens - reserve);
        SummaryState after = summary.advance(input, state, uncovered, verbatimTokens, recentMessages, cap);
        if (after.throughSeq() != state.throughSeq()) {
            uncovered = uncovered.subList(firstAfter(uncovered, after.throughSeq()), uncovered.size());
        }

        MemoryPreamble preamble = MemoryPreamble.of(system, after.summary(), null, budget - current.tokens(), counter);
        int room = budget - preamble.tokens() - current.tokens();
        List<TranscriptUnit> verbatim = new ArrayList<>();
        int messages = current.size();
        int i = uncovered.size() - 2;
        for (; i >= 0; i--) {
            TranscriptUnit u = uncovered.get(i);
            if (u.tokens() > room || (long) messages + u.size() > recentMessages) {
                break;
            }
            verbatim.add(0, u);
            room -= u.tokens();
            messages += u.size();
        }
        if (i >= 0) {
            // cut short by the budget: do not open the verbatim part with a reply whose question is missing
            while (!verbatim.isEmpty() && !verbatim.get(0).startsTurn()) {
                room += verbatim.remove(0).tokens();
            }
        }
        verbatim.add(current);
        List<TranscriptUnit> chosen = new ArrayList<>();
        if (room > 0) {
            // pinned messages that are no longer verbatim, newest first as far as the room goes
            kept.pinned.sync(input.transcript());
            chosen.addAll(kept.pinned.newestThatFit(verbatim.get(0).firstSeq(), room, counter));
        }
        chosen.addAll(verbatim);
        return ContextAssembly.build(preamble, chosen, budget, counter);
    }

    private static int firstAfter(List<TranscriptUnit> units, long throughSeq) {
        int k = 0;
        while (k < units.size() && units.get(k).firstSeq() <= throughSeq) {
            k++;
        }
        return k;
    }

    @Override
    public String toString() {
        return "SummarizationStrategy[recentTokens=" + (recentTokens == Integer.MAX_VALUE ? "budget" : recentTokens)
                + ", recentMessages=" + (recentMessages == Integer.MAX_VALUE ? "any" : recentMessages) + ", " + summary + "]";
    }

    /** Builds a {@link SummarizationStrategy}. */
    /** What is kept per conversation between turns. */
    private static final class State {
        final PinnedUnits pinned = new PinnedUnits();
        final RunningSummary.LoadMemo loaded = new RunningSummary.LoadMemo();
    }

    public static final class Builder {
        private RunningSummary summary;
        private int recentTokens = Integer.MAX_VALUE;
        private int recentMessages = Integer.MAX_VALUE;

        private Builder(RunningSummary summary) {
            this.summary = Objects.requireNonNull(summary, "summary");
        }

        /** The most tokens kept verbatim before older turns are summarized (default: what the budget leaves). */
        public Builder recentTokens(int recentTokens) {
            if (recentTokens < 1) {
                throw new IllegalArgumentException("option 'recent-tokens' must be at least 1, got " + recentTokens);
            }
            this.recentTokens = recentTokens;
            return this;
        }

        /**
         * The most messages kept verbatim, the current turn included (default: no limit). When {@code batch-messages}
         * is the default (16) and this is smaller, the batch becomes this many messages; when {@code batch-messages}
         * was given, this must be at least that, or messages would wait outside both the summary and the verbatim
         * part until a batch is full.
         */
        public Builder recentMessages(int recentMessages) {
            if (recentMessages < 1) {
                throw new IllegalArgumentException("option 'recent-messages' must be at least 1, got " + recentMessages);
            }
            if (summary.batchMessagesGiven() && recentMessages < summary.batchMessages()) {
                throw new IllegalArgumentException("option 'recent-messages' (" + recentMessages + ") must be at least "
                        + "'batch-messages' (" + summary.batchMessages() + ")");
            }
            this.recentMessages = recentMessages;
            return this;
        }

        public SummarizationStrategy build() {
            if (recentMessages != Integer.MAX_VALUE) {
                summary = summary.fittingVerbatimMessages(recentMessages);
            }
            return new SummarizationStrategy(this);
        }
    }
}
