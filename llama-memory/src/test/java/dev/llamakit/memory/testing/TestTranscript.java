package dev.llamakit.memory.testing;

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
import java.util.Set;

/** Builds transcripts for the memory-strategy tests. */
public final class TestTranscript {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final List<TranscriptEntry> entries = new ArrayList<>();

    public TestTranscript user(String text, EntryFlag... flags) {
        return add(UserMessage.of(text), flags);
    }

    public TestTranscript assistant(String text) {
        return add(new AssistantMessage(text, List.of(), StopReason.STOP));
    }

    /** An assistant message calling one tool per id, followed by the results. */
    public TestTranscript toolBlock(String... ids) {
        List<ToolCall> calls = new ArrayList<>();
        for (String id : ids) {
            calls.add(new ToolCall(id, "lookup", "{\"q\":\"" + id + "\"}"));
        }
        add(AssistantMessage.ofToolCalls(calls));
        for (String id : ids) {
            add(Message.tool(id, "result of " + id));
        }
        return this;
    }

    /** {@code n} question/answer exchanges. */
    public TestTranscript exchanges(int n) {
        for (int i = 0; i < n; i++) {
            user("question " + entries.size()).assistant("answer " + entries.size());
        }
        return this;
    }

    public TestTranscript add(Message message, EntryFlag... flags) {
        entries.add(new TranscriptEntry(entries.size(), message, T0.plusSeconds(entries.size()), Set.of(flags), null));
        return this;
    }

    public Transcript build() {
        return Transcript.of(entries);
    }
}
