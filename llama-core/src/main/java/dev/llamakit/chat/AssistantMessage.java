package dev.llamakit.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A reply of the model: text, tool calls, or both, and why generation stopped (when known).
 * Replayed as is in later requests.
 */
public record AssistantMessage(String text, List<ToolCall> toolCalls, StopReason stopReason) implements Message {
    public AssistantMessage {
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
    }

    /** An assistant message with text only and no known stop reason. */
    public static AssistantMessage of(String text) {
        return new AssistantMessage(text, List.of(), null);
    }

    /** An assistant message asking for tool calls. */
    public static AssistantMessage ofToolCalls(List<ToolCall> toolCalls) {
        return new AssistantMessage("", toolCalls, StopReason.TOOL_CALLS);
    }

    @Override
    public Role role() {
        return Role.ASSISTANT;
    }

    /** Why generation stopped, when the server said so. */
    public Optional<StopReason> stopReasonIfKnown() {
        return Optional.ofNullable(stopReason);
    }

    /** Whether the model asked for at least one tool call. */
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
