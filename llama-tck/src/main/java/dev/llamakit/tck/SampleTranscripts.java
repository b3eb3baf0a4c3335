package dev.llamakit.tck;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic transcripts for contract tests: text turns with names and numbers, tool-call blocks with one or
 * several calls, long messages, pinned and important turns, and an unanswered turn. The last entry is always a
 * user turn (the one being answered).
 */
public final class SampleTranscripts {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] TOPICS = {"the Oslo office move", "invoice 4471", "Ada's birthday on 12 March",
        "the Kotlin migration", "server rack B7", "the budget of 18,500 EUR", "the Lisbon trip", "ticket LLAMA-204"};

    private SampleTranscripts() {
    }

    /** A transcript of about {@code turns} user turns, shaped by {@code seed}. */
    public static Transcript conversation(int turns, long seed) {
        Random random = new Random(seed);
        List<TranscriptEntry> entries = new ArrayList<>();
        for (int t = 0; t < turns; t++) {
            String topic = TOPICS[random.nextInt(TOPICS.length)];
            Set<EntryFlag> flags = random.nextInt(12) == 0 ? Set.of(EntryFlag.PINNED)
                    : random.nextInt(10) == 0 ? Set.of(EntryFlag.IMPORTANT) : Set.of();
            String question = "Turn " + t + ": what about " + topic + "?" + (random.nextInt(6) == 0 ? " " + filler(random, 60) : "");
            boolean last = t == turns - 1;
            if (!last && random.nextInt(15) == 0) {
                add(entries, UserMessage.of(question), Set.of(EntryFlag.UNANSWERED));
                continue;
            }
            add(entries, UserMessage.of(question), flags);
            if (last) {
                break;
            }
            if (random.nextInt(4) == 0) {
                int calls = 1 + random.nextInt(2);
                List<ToolCall> toolCalls = new ArrayList<>();
                for (int c = 0; c < calls; c++) {
                    toolCalls.add(new ToolCall("call-" + t + "-" + c, c == 0 ? "lookup" : "calendar",
                            "{\"query\":\"" + topic + "\",\"page\":" + c + "}"));
                }
                add(entries, new AssistantMessage("", toolCalls, StopReason.TOOL_CALLS), Set.of());
                for (ToolCall call : toolCalls) {
                    add(entries, Message.tool(call.id(), "Result for " + topic + ": status " + (random.nextInt(900) + 100)), Set.of());
                }
            }
            add(entries, new AssistantMessage("About " + topic + ": " + filler(random, 8 + random.nextInt(40)), List.of(),
                    StopReason.STOP), Set.of());
        }
        return Transcript.of(entries);
    }

    private static void add(List<TranscriptEntry> entries, Message message, Set<EntryFlag> flags) {
        entries.add(new TranscriptEntry(entries.size(), message, T0.plusSeconds(entries.size()), flags, null));
    }

    private static String filler(Random random, int words) {
        String[] vocabulary = {"the", "team", "agreed", "to", "ship", "on", "Friday", "after", "review", "and", "tests",
            "budget", "numbers", "were", "checked", "twice", "by", "Marta", "with", "notes", "in", "the", "wiki"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return sb.append('.').toString();
    }
}
