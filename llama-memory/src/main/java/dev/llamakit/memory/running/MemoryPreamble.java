package dev.llamakit.memory.running;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.tokens.TokenCounter;
import java.util.Optional;

/**
 * The first message of a context built with a running summary: the conversation's system message with the summary
 * (and an optional note) appended after a blank line, or, when the conversation has no system message, a system
 * message of its own (then it counts as one derived message).
 *
 * <p>One system message rather than a second one: Llama chat templates take only a leading system message as the
 * system prompt, some templates served through OpenAI-compatible servers reject a system message anywhere else, and
 * the summary is instructions-like background the model should weigh like the system prompt.
 *
 * <p>When the whole does not fit its token limit, the summary is cut (at a sentence or word boundary) to fit, and
 * left out when fewer than {@value RunningSummary#MIN_SUMMARY_TOKENS} tokens would be left for it; the note is
 * left out before the system message is ever touched.
 */
public final class MemoryPreamble {
    /** The heading before the summary. */
    public static final String SUMMARY_HEADING = "Summary of the earlier conversation:";

    private final SystemMessage system;
    private final SystemMessage message;
    private final boolean derived;
    private final int tokens;
    private final String summaryShown;

    private MemoryPreamble(SystemMessage system, SystemMessage message, boolean derived, int tokens, String summaryShown) {
        this.system = system;
        this.message = message;
        this.derived = derived;
        this.tokens = tokens;
        this.summaryShown = summaryShown;
    }

    /**
     * Builds the preamble.
     *
     * @param system the conversation's system message, or null
     * @param summary the running summary, blank for none
     * @param note a line to add after the summary, or null
     * @param maxTokens the most tokens the preamble may take (it never drops or cuts {@code system})
     */
    public static MemoryPreamble of(SystemMessage system, String summary, String note, int maxTokens, TokenCounter counter) {
        String s = summary == null ? "" : summary.strip();
        String n = note == null ? "" : note.strip();
        if (!n.isEmpty()) {
            MemoryPreamble withNote = fit(system, s, n, maxTokens, counter);
            if (withNote != null) {
                return withNote;
            }
        }
        MemoryPreamble without = fit(system, s, "", maxTokens, counter);
        return without != null ? without : plain(system, counter);
    }

    /** Just the system message (or nothing). */
    public static MemoryPreamble plain(SystemMessage system, TokenCounter counter) {
        return new MemoryPreamble(system, system, false, system == null ? 0 : counter.count(system), "");
    }

    private static MemoryPreamble fit(SystemMessage system, String summary, String note, int maxTokens, TokenCounter counter) {
        if (summary.isEmpty() && note.isEmpty()) {
            return null;
        }
        SystemMessage full = compose(system, summary, note);
        int tokens = counter.count(full);
        if (tokens <= maxTokens) {
            return new MemoryPreamble(system, full, system == null, tokens, summary);
        }
        if (!summary.isEmpty()) {
            SystemMessage bare = compose(system, "", note);
            int room = maxTokens - counter.count(bare) - 1;
            while (room >= RunningSummary.MIN_SUMMARY_TOKENS) {
                String cut = TokenTruncation.truncate(summary, room, counter);
                SystemMessage candidate = compose(system, cut, note);
                int t = counter.count(candidate);
                if (t <= maxTokens && !cut.isEmpty()) {
                    return new MemoryPreamble(system, candidate, system == null, t, cut);
                }
                room -= Math.max(1, t - maxTokens);
            }
        }
        if (!note.isEmpty()) {
            SystemMessage noteOnly = compose(system, "", note);
            int t = counter.count(noteOnly);
            return t <= maxTokens ? new MemoryPreamble(system, noteOnly, system == null, t, "") : null;
        }
        return null;
    }

    private static SystemMessage compose(SystemMessage system, String summary, String note) {
        StringBuilder sb = new StringBuilder();
        if (system != null) {
            sb.append(system.text());
        }
        if (!summary.isEmpty()) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(SUMMARY_HEADING).append('\n').append(summary);
        }
        if (!note.isEmpty()) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(note);
        }
        return new SystemMessage(sb.toString());
    }

    /** The message, when there is one (none without a system message, summary or note). */
    public Optional<SystemMessage> message() {
        return Optional.ofNullable(message);
    }

    /** Whether the message is derived (a system message made only of summary and note) rather than the conversation's. */
    public boolean derived() {
        return derived;
    }

    /** The message's tokens (0 without one). */
    public int tokens() {
        return tokens;
    }

    /** The summary text as shown (possibly cut), {@code ""} when none is shown. */
    public String summaryShown() {
        return summaryShown;
    }

    /** Whether this is just the conversation's system message (or nothing), without summary or note. */
    public boolean isBare() {
        return message == system;
    }

    /** The preamble without summary or note: the conversation's system message alone. */
    public MemoryPreamble bare(TokenCounter counter) {
        return plain(system, counter);
    }
}
