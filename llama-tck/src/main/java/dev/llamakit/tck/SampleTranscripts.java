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
 * several calls, long messages, pinned and important turns, and an unanswered turn ({@link #conversation}); and the
 * hard cases a server rejects when a strategy gets them wrong ({@link #hardCases}, {@link #issueExample}): orphan,
 * stray and duplicate tool results, interrupted tool loops, system entries, and a message larger than most
 * budgets. The last entry is always a user turn (the one being answered).
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

    /**
     * The transcript of issue 14: {@code user, calls(c1), tool(c9), tool(c1), tool(c1), assistant, user}. Only the
     * first {@code c1} result may be sent, right after its call; the {@code c9} result answers no call and the second
     * {@code c1} result answers it a second time.
     */
    public static Transcript issueExample() {
        List<TranscriptEntry> entries = new ArrayList<>();
        add(entries, UserMessage.of("Where is order 1234?"), Set.of());
        add(entries, new AssistantMessage("", List.of(new ToolCall("c1", "order_status", "{\"id\":1234}")), StopReason.TOOL_CALLS),
                Set.of());
        add(entries, Message.tool("c9", "{\"status\":\"unknown call\"}"), Set.of());
        add(entries, Message.tool("c1", "{\"status\":\"shipped\"}"), Set.of());
        add(entries, Message.tool("c1", "{\"status\":\"shipped (duplicate)\"}"), Set.of());
        add(entries, new AssistantMessage("It shipped yesterday.", List.of(), StopReason.STOP), Set.of());
        add(entries, UserMessage.of("When will it arrive?"), Set.of());
        return Transcript.of(entries);
    }

    /** The text of the oversize message in {@link #hardCases}: about {@code words} tokens. */
    public static String oversizeText(int words) {
        StringBuilder sb = new StringBuilder("Here is the whole contract, please keep it: ");
        Random random = new Random(words);
        sb.append(filler(random, words));
        return sb.toString();
    }

    /**
     * A transcript of about {@code turns} user turns, shaped by {@code seed}, with the hard cases mixed in: tool
     * results without a call (after a user turn, after a plain reply, at the very start), a result for a call the
     * block did not make, a call answered twice, tool loops interrupted by a user turn or by an unanswered turn, system
     * entries (at the start, between turns and inside a tool block), and one message of about 3,000 tokens.
     */
    public static Transcript hardCases(int turns, long seed) {
        Random random = new Random(seed);
        List<TranscriptEntry> entries = new ArrayList<>();
        if (random.nextBoolean()) {
            add(entries, Message.tool("c-orphan-start", "a result before anything"), Set.of());
        }
        if (random.nextBoolean()) {
            add(entries, Message.system("Always answer in British English."), Set.of());
        }
        int oversizeAt = random.nextInt(Math.max(1, turns - 1));
        for (int t = 0; t < turns; t++) {
            String topic = TOPICS[random.nextInt(TOPICS.length)];
            boolean last = t == turns - 1;
            Set<EntryFlag> flags = random.nextInt(8) == 0 ? Set.of(EntryFlag.PINNED) : Set.of();
            String question = t == oversizeAt ? oversizeText(3_000) : "Turn " + t + ": what about " + topic + "?";
            add(entries, UserMessage.of(question), flags);
            if (last) {
                break;
            }
            String id = "h" + seed + "-" + t;
            switch (random.nextInt(9)) {
                case 0 -> { // a stray result inside the block, then a duplicate
                    add(entries, new AssistantMessage("", List.of(new ToolCall(id, "lookup", "{\"q\":\"" + topic + "\"}")),
                            StopReason.TOOL_CALLS), Set.of());
                    add(entries, Message.tool(id + "-stray", "answers a call that was never made"), Set.of());
                    add(entries, Message.tool(id, "Result for " + topic), Set.of());
                    add(entries, Message.tool(id, "Result for " + topic + " (sent twice)"), Set.of());
                }
                case 1 -> { // an interrupted tool loop: one of two calls answered, then the user speaks again
                    add(entries, new AssistantMessage("", List.of(new ToolCall(id + "a", "lookup", "{}"),
                            new ToolCall(id + "b", "calendar", "{}")), StopReason.TOOL_CALLS), Set.of());
                    add(entries, Message.tool(id + "a", "half of the answer"), Set.of());
                    continue;
                }
                case 2 -> { // a tool loop cut by an unanswered turn, its late result after it
                    add(entries, new AssistantMessage("", List.of(new ToolCall(id, "lookup", "{}")), StopReason.TOOL_CALLS),
                            Set.of());
                    add(entries, UserMessage.of("Are you still there?"), Set.of(EntryFlag.UNANSWERED));
                    add(entries, Message.tool(id, "late result"), Set.of());
                }
                case 3 -> { // a system entry inside a tool block
                    add(entries, new AssistantMessage("", List.of(new ToolCall(id, "lookup", "{}")), StopReason.TOOL_CALLS),
                            Set.of());
                    add(entries, Message.system("Tool results may be stale; say so."), Set.of());
                    add(entries, Message.tool(id, "Result for " + topic), Set.of());
                }
                case 4 -> add(entries, Message.system("Note for turn " + t + ": the user prefers short answers."), Set.of());
                default -> {
                }
            }
            add(entries, new AssistantMessage("About " + topic + ": " + filler(random, 8 + random.nextInt(30)), List.of(),
                    StopReason.STOP), Set.of());
            if (random.nextInt(6) == 0) {
                add(entries, Message.tool("orphan-" + t, "a result after a plain reply"), Set.of());
            }
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
