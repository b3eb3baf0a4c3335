package dev.llamakit.memory.summary;

import dev.llamakit.chat.Message;
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
    private ContextAssembly() {
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
                throw new ContextTooLargeException("the system message and the current user turn do not fit the budget",
                        tokens, budget);
            }
        }
    }
}
