package dev.llamakit.testkit;

import java.util.Objects;

/**
 * One tool call of a scripted reply.
 *
 * @param id            the tool-call id the client must echo back in its {@code tool} message
 * @param name          the function name
 * @param argumentsJson the arguments as a JSON-encoded string, sent verbatim (it need not be valid JSON)
 */
public record ToolCallSpec(String id, String name, String argumentsJson) {

    /** Validates that no component is null and that id and name are not blank. */
    public ToolCallSpec {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(argumentsJson, "argumentsJson must not be null");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
    }

    /** Returns a tool call with the given id, function name and JSON-encoded arguments. */
    public static ToolCallSpec of(String id, String name, String argumentsJson) {
        return new ToolCallSpec(id, name, argumentsJson);
    }
}
