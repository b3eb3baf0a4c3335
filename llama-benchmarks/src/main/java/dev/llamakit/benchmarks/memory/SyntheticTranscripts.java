package dev.llamakit.benchmarks.memory;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.SystemMessage;
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
 * Deterministic transcripts of an exact number of messages for {@link MemorySelectionBenchmark}. They have the
 * same mix as {@code llama-tck}'s {@code SampleTranscripts}: user turns with names and numbers (about 1 in 8 of them
 * long), assistant replies of 20 to 70 words, tool-call blocks with one or two calls, pinned and important user
 * turns, and failed (unanswered) turns. This module does not depend on {@code llama-tck}, so that JUnit and AssertJ
 * stay out of the benchmark jar. The last entry is always a user turn, the one being answered.
 *
 * <p>With {@code EstimatingTokenCounter}, a message averages about 65 tokens (seed 42: 100 messages are 6,329 tokens,
 * 1,000 are 66,747 and 10,000 are 684,825, system message included). So 100 messages fit a 28,672-token prompt
 * budget, and 1,000 do not.
 */
final class SyntheticTranscripts {
    static final SystemMessage SYSTEM = new SystemMessage("You are a helpful assistant for a small engineering team. "
            + "Answer briefly, and keep track of the names, numbers and decisions the user mentions.");

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] NAMES = {"Ada", "Marta", "Jonas", "Priya", "Kenji", "Lucia", "Omar", "Greta", "Tomasz", "Ines"};
    private static final String[] TOPICS = {"the Oslo office move", "invoice 4471", "server rack B7", "the Kotlin migration",
        "the Lisbon trip", "ticket LLAMA-204", "the budget of 18,500 EUR", "the March release", "the on-call rota",
        "the database upgrade", "the hiring plan", "the security audit"};
    static final String[] VOCABULARY = {"the", "team", "agreed", "to", "ship", "on", "Friday", "after", "review", "and",
        "tests", "budget", "numbers", "were", "checked", "twice", "with", "notes", "in", "wiki", "customer", "asked",
        "for", "a", "new", "estimate", "because", "the", "vendor", "changed", "prices", "last", "week", "so", "we",
        "need", "to", "confirm", "before", "signing", "contract", "deadline", "moved", "by", "two", "days", "release",
        "candidate", "looks", "stable", "except", "one", "flaky", "integration", "test"};

    private SyntheticTranscripts() {
    }

    /**
     * Exactly {@code size} entries, numbered from 0, shaped by {@code seed}; an immutable list (so that
     * {@code Transcript.of} does not copy it).
     */
    static List<TranscriptEntry> entries(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
        Random random = new Random(seed);
        List<TranscriptEntry> entries = new ArrayList<>(size);
        int turn = 0;
        while (entries.size() < size - 1) {
            int left = size - 1 - entries.size(); // slots before the final user turn
            String topic = TOPICS[random.nextInt(TOPICS.length)];
            String name = NAMES[random.nextInt(NAMES.length)];
            EnumSet<EntryFlag> flags = EnumSet.noneOf(EntryFlag.class);
            if (random.nextInt(12) == 0) {
                flags.add(EntryFlag.PINNED);
            } else if (random.nextInt(10) == 0) {
                flags.add(EntryFlag.IMPORTANT);
            }
            boolean failed = left == 1 || random.nextInt(25) == 0; // a lone slot holds a failed turn
            if (failed) {
                flags.add(EntryFlag.UNANSWERED);
            }
            add(entries, UserMessage.of(question(random, turn, name, topic)), flags);
            turn++;
            if (failed) {
                continue;
            }
            left = size - 1 - entries.size();
            int calls = 1 + random.nextInt(2);
            if (random.nextInt(5) == 0 && left >= calls + 2) {
                List<ToolCall> toolCalls = new ArrayList<>(calls);
                for (int c = 0; c < calls; c++) {
                    toolCalls.add(new ToolCall("call-" + turn + "-" + c, c == 0 ? "lookup" : "calendar",
                            "{\"query\":\"" + topic + "\",\"owner\":\"" + name + "\",\"page\":" + c + "}"));
                }
                add(entries, new AssistantMessage("", toolCalls, StopReason.TOOL_CALLS), Set.of());
                for (ToolCall call : toolCalls) {
                    add(entries, Message.tool(call.id(), "{\"topic\":\"" + topic + "\",\"status\":\"open\",\"owner\":\""
                            + name + "\",\"amount\":" + (100 + random.nextInt(9_900)) + ",\"due\":\"2026-0"
                            + (1 + random.nextInt(9)) + "-" + (10 + random.nextInt(18)) + "\"}"), Set.of());
                }
            }
            add(entries, new AssistantMessage("About " + topic + ": " + filler(random, 20 + random.nextInt(51)), List.of(),
                    StopReason.STOP), Set.of());
        }
        String topic = TOPICS[random.nextInt(TOPICS.length)];
        add(entries, UserMessage.of(question(random, turn, NAMES[random.nextInt(NAMES.length)], topic)), Set.of());
        return List.copyOf(entries);
    }

    private static String question(Random random, int turn, String name, String topic) {
        String q = "Turn " + turn + ": " + name + " asked about " + topic + " and ticket " + (1000 + random.nextInt(9000))
                + ". " + filler(random, 6 + random.nextInt(25));
        if (random.nextInt(8) == 0) {
            q += " " + filler(random, 60 + random.nextInt(41));
        }
        return q + " What should we do?";
    }

    private static void add(List<TranscriptEntry> entries, Message message, Set<EntryFlag> flags) {
        entries.add(new TranscriptEntry(entries.size(), message, T0.plusSeconds(entries.size()), flags, null));
    }

    static String filler(Random random, int words) {
        StringBuilder sb = new StringBuilder(words * 7);
        for (int i = 0; i < words; i++) {
            String w = VOCABULARY[random.nextInt(VOCABULARY.length)];
            if (i == 0) {
                sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
            } else {
                sb.append(' ').append(w);
            }
        }
        return sb.append('.').toString();
    }
}
