package dev.llamakit.tools;

import dev.llamakit.chat.ToolDefinition;
import java.util.Objects;

/**
 * A tool the model may call: its {@link ToolDefinition} (name, description, parameters schema) and the
 * {@link ToolHandler} that runs it. Immutable.
 *
 * <pre>{@code
 * Tool weather = Tool.of("get_weather", "Current weather for a city",
 *     """
 *     {"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""",
 *     args -> weatherService.now(args.get("location").asText()));
 * }</pre>
 */
public final class Tool {
    private final ToolDefinition definition;
    private final ToolHandler handler;

    private Tool(ToolDefinition definition, ToolHandler handler) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** A tool with the given name, description and parameters schema (a JSON object, as text). */
    public static Tool of(String name, String description, String parametersSchemaJson, ToolHandler handler) {
        return builder(name).description(description).parametersSchema(parametersSchemaJson).handler(handler).build();
    }

    /** A tool for an existing definition. */
    public static Tool of(ToolDefinition definition, ToolHandler handler) {
        return new Tool(definition, handler);
    }

    /** Starts a tool with the given name ({@code [a-zA-Z0-9_-]}, at most 64 characters). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The tool's name, as the model calls it. */
    public String name() {
        return definition.name();
    }

    /** What is sent to the model. */
    public ToolDefinition definition() {
        return definition;
    }

    /** What runs when the model calls the tool. */
    public ToolHandler handler() {
        return handler;
    }

    @Override
    public String toString() {
        return "Tool[name=" + name() + "]";
    }

    /** Builds a {@link Tool}. Not thread-safe. */
    public static final class Builder {
        private final ToolDefinition.Builder definition;
        private ToolHandler handler;

        private Builder(String name) {
            this.definition = ToolDefinition.builder(name);
        }

        /** What the tool does, for the model. */
        public Builder description(String description) {
            definition.description(description);
            return this;
        }

        /** The JSON schema of the parameters; must be a JSON object. Omitted: the tool takes no arguments. */
        public Builder parametersSchema(String parametersSchemaJson) {
            definition.parametersSchema(parametersSchemaJson);
            return this;
        }

        /** Asks the server to enforce the parameters schema strictly. */
        public Builder strict(boolean strict) {
            definition.strict(strict);
            return this;
        }

        /** The code that runs the tool (required). */
        public Builder handler(ToolHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Builds the tool.
         *
         * @throws NullPointerException when no handler was set
         */
        public Tool build() {
            return new Tool(definition.build(), Objects.requireNonNull(handler, "handler"));
        }
    }
}
