package dev.llamakit.memory;

import dev.llamakit.chat.Message;
import java.util.List;
import java.util.Objects;

/**
 * What a strategy chose for the next request: the messages to send, in order (the system message first, then
 * derived messages such as a summary or recalled memories, then transcript messages in chronological order);
 * which transcript entries they include ({@code selectedSeqs}, ascending); how many messages are derived; and
 * their estimated tokens.
 */
public record MemoryContext(List<Message> messages, List<Long> selectedSeqs, int derivedMessages, int estimatedTokens) {
    public MemoryContext {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        selectedSeqs = List.copyOf(Objects.requireNonNull(selectedSeqs, "selectedSeqs"));
        if (derivedMessages < 0 || estimatedTokens < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }
}
