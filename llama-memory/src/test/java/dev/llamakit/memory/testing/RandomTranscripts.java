package dev.llamakit.memory.testing;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.TranscriptEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random transcripts grown turn by turn, as a conversation grows them, with the hard cases: tool blocks (also
 * interrupted ones, orphan and duplicate results), unanswered turns (the user entry replaced by a flagged copy, as
 * {@code Conversation} does), pinned and important turns, names and numbers, long pasted texts, a small vocabulary (so
 * that BM25 ties happen) and recorded runs without a user turn.
 */
public final class RandomTranscripts {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] WORDS = {"deploy", "budget", "Oslo", "invoice", "ticket", "release", "vendor", "review",
        "Marta", "Kenji", "rack", "migration", "audit", "2026", "4471", "contract", "friday", "tests", "alpha", "beta"};

    private final Random random;
    private final List<TranscriptEntry> entries = new ArrayList<>();
    private int calls;

    public RandomTranscripts(long seed) {
        this.random = new Random(seed);
    }

    /** The entries so far (an immutable copy). */
    public List<TranscriptEntry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Appends one turn: what the previous turn left (a reply, tool blocks, or the user entry flagged unanswered), then
     * a new user turn, which is the last entry.
     */
    public List<TranscriptEntry> nextTurn() {
        if (!entries.isEmpty()) {
            int last = entries.size() - 1;
            TranscriptEntry user = entries.get(last);
            if (random.nextInt(12) == 0 && user.message() instanceof UserMessage) {
                entries.set(last, user.withFlag(EntryFlag.UNANSWERED));
            } else {
                int blocks = random.nextInt(6) == 0 ? 1 + random.nextInt(2) : 0;
                for (int b = 0; b < blocks; b++) {
                    toolBlock();
                }
                if (random.nextInt(15) != 0) {
                    add(new AssistantMessage(text(3 + random.nextInt(40)), List.of(), StopReason.STOP), Set.of());
                }
            }
        }
        EnumSet<EntryFlag> flags = EnumSet.noneOf(EntryFlag.class);
        if (random.nextInt(10) == 0) {
            flags.add(EntryFlag.PINNED);
        }
        if (random.nextInt(8) == 0) {
            flags.add(EntryFlag.IMPORTANT);
        }
        int words = random.nextInt(20) == 0 ? 300 + random.nextInt(600) : 1 + random.nextInt(30);
        add(UserMessage.of(text(words)), flags);
        return entries();
    }

    private void toolBlock() {
        int n = 1 + random.nextInt(3);
        List<ToolCall> toolCalls = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            toolCalls.add(new ToolCall("c" + (++calls), "lookup", "{\"q\":\"" + text(2) + "\"}"));
        }
        add(new AssistantMessage(random.nextBoolean() ? "" : text(3), toolCalls, StopReason.TOOL_CALLS), Set.of());
        int kind = random.nextInt(10);
        for (int c = 0; c < n; c++) {
            if (kind == 0 && c == n - 1) {
                break; // interrupted: a result is missing
            }
            add(Message.tool(toolCalls.get(c).id(), text(2 + random.nextInt(12))), Set.of());
        }
        if (kind == 1) {
            add(Message.tool("c-orphan" + random.nextInt(1000), text(3)), Set.of());
        } else if (kind == 2) {
            add(Message.tool(toolCalls.get(0).id(), text(3)), Set.of()); // answered twice
        }
    }

    private String text(int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(random.nextInt(9) == 0 ? ". " : " ");
            }
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private void add(Message m, Set<EntryFlag> flags) {
        entries.add(new TranscriptEntry(entries.size(), m, T0.plusSeconds(entries.size()), flags, null));
    }
}
