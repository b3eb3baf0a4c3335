package dev.llamakit.chat;

import java.util.Objects;

/**
 * A call of a tool requested by the model. {@code arguments} is the JSON text the model produced;
 * it may be invalid JSON, so it is kept verbatim.
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
