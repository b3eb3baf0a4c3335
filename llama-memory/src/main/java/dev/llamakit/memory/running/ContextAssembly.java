package dev.llamakit.memory.running;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a preamble and chosen transcript units into a {@link MemoryContext}, checking the budget with the counter
 * over the whole message list (per-unit sums can differ from it by rounding once a counter is calibrated): while it
 * is over, the oldest chosen unit goes, then the summary; the current turn (the last unit) always stays.
 */
public final class ContextAssembly {
    private static final String DOES_NOT_FIT = "the system message and the current user turn do not fit the budget";

    private ContextAssembly() {
    }

    /**
     * The tokens of the system message, after checking that it and the current turn ({@code currentTurnTokens})
     * fit {@code budget} together.
     *
     * @throws ContextTooLargeException when they do not
     */
    public static int requireCurrentTurnFits(SystemMessage system, int currentTurnTokens, int budget, TokenCounter counter) {
        int systemTokens = system == null ? 0 : counter.count(system);
        if (systemTokens + currentTurnTokens > budget) {
            throw new ContextTooLargeException(DOES_NOT_FIT, systemTokens + currentTurnTokens, budget);
        }
        return systemTokens;
    }

    /** The context of a transcript with nothing left to send verbatim: the system message and the summary. */
    public static MemoryContext summaryOnly(SystemMessage system, String summary, int budget, TokenCounter counter) {
        return build(MemoryPreamble.of(system, summary, null, budget, counter), List.of(), budget, counter);
    }

    /**
     * The context of {@code preamble} followed by {@code units} (in transcript order, the current turn last).
     *
     * @throws ContextTooLargeException when even the system message and the current turn exceed {@code budget}
     */
    public static MemoryContext build(MemoryPreamble preamble, List<TranscriptUnit> units, int budget, TokenCounter counter) {
        List<TranscriptUnit> chosen = new ArrayList<>(units);
        MemoryPreamble pre = preamble;
        while (true) {
            List<Message> messages = new ArrayList<>();
            pre.message().ifPresent(messages::add);
            List<Long> seqs = new ArrayList<>();
            for (TranscriptUnit u : chosen) {
                for (TranscriptEntry e : u.entries()) {
                    messages.add(e.message());
                    seqs.add(e.seq());
                }
            }
            int tokens = counter.count(messages);
            if (tokens <= budget) {
                return new MemoryContext(messages, seqs, pre.derived() ? 1 : 0, tokens);
            }
            if (chosen.size() > 1) {
                chosen.remove(0);
            } else if (!pre.isBare()) {
                pre = pre.bare(counter);
            } else {
                throw new ContextTooLargeException(DOES_NOT_FIT, tokens, budget);
            }
        }
    }
}
