package dev.llamakit.chat;

import java.util.Objects;

/** The result of running a tool, answering the assistant's tool call {@code toolCallId}. */
public record ToolMessage(String toolCallId, String text) implements Message {
    public ToolMessage {
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(text, "text");
        if (toolCallId.isBlank()) {
            throw new IllegalArgumentException("a tool message needs the id of the tool call it answers (tool_call_id)");
        }
    }

    @Override
    public Role role() {
        return Role.TOOL;
    }
}
