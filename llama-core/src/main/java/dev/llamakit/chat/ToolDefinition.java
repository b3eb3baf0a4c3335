package dev.llamakit.chat;

import dev.llamakit.internal.json.Json;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A function the model may call: its name, what it does, and a JSON schema of its parameters.
 *
 * <pre>{@code
 * ToolDefinition weather = ToolDefinition.builder("get_weather")
 *     .description("Current weather for a city")
 *     .parametersSchema("""
 *         {"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""")
 *     .build();
 * }</pre>
 */
public final class ToolDefinition {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private final String name;
    private final String description;
    private final String parametersSchema;
    private final Boolean strict;

    private ToolDefinition(Builder b) {
        this.name = b.name;
        this.description = b.description;
        this.parametersSchema = b.parametersSchema;
        this.strict = b.strict;
    }

    /** Starts a definition of the tool with the given name ({@code [a-zA-Z0-9_-]}, at most 64 characters). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** The JSON schema of the parameters, as JSON text; empty when the tool takes no arguments. */
    public Optional<String> parametersSchema() {
        return Optional.ofNullable(parametersSchema);
    }

    /** Whether the server should enforce the schema strictly; empty when not set. */
    public Optional<Boolean> strict() {
        return Optional.ofNullable(strict);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToolDefinition t
                && name.equals(t.name)
                && Objects.equals(description, t.description)
                && Objects.equals(parametersSchema, t.parametersSchema)
                && Objects.equals(strict, t.strict);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, description, parametersSchema, strict);
    }

    @Override
    public String toString() {
        return "ToolDefinition[name=" + name + "]";
    }

    /** Builds a {@link ToolDefinition}. */
    public static final class Builder {
        private final String name;
        private String description;
        private String parametersSchema;
        private Boolean strict;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "tool name must match [a-zA-Z0-9_-] and be 1 to 64 characters long, got: '" + name + "'");
            }
            this.name = name;
        }

        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /** The JSON schema of the parameters; must be a JSON object. */
        public Builder parametersSchema(String jsonSchema) {
            Objects.requireNonNull(jsonSchema, "jsonSchema");
            this.parametersSchema = Json.requireObject(jsonSchema, "parameters schema of tool '" + name + "'");
            return this;
        }

        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        public ToolDefinition build() {
            return new ToolDefinition(this);
        }
    }
}
