package dev.llamakit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The JSON schema of a forced tool call ({@link ToolChoice#REQUIRED} or {@link ToolChoice#function(String)}) in the
 * Llama 3.1+ format {@code {"name": ..., "parameters": {...}}}: llama.cpp turns it into a grammar, so the sampler can
 * only write a call of an offered tool with arguments of that tool's schema, and {@link ToolCallParser} reads it.
 */
final class ToolCallSchema {
    private static final ObjectMapper JSON = LocalJson.MAPPER;
    static final String NO_PARAMETERS = "{\"type\":\"object\",\"properties\":{}}";

    private ToolCallSchema() {
    }

    /** The schema the reply must follow, or empty when the model may answer freely ({@code auto}, {@code none}). */
    static Optional<String> forced(ToolChoice choice, List<ToolDefinition> tools) {
        switch (choice.mode()) {
            case "required":
                if (tools.isEmpty()) {
                    throw new IllegalArgumentException("tool choice 'required' needs at least one tool in the request");
                }
                if (tools.size() == 1) {
                    return Optional.of(call(tools.get(0)).toString());
                }
                ObjectNode anyOf = JSON.createObjectNode();
                ArrayNode options = anyOf.putArray("anyOf");
                tools.forEach(t -> options.add(call(t)));
                return Optional.of(anyOf.toString());
            case "function":
                String name = choice.functionName().orElseThrow();
                return Optional.of(call(tools.stream().filter(t -> t.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("tool choice names the function '" + name
                                + "', but the request's tools are " + tools.stream().map(ToolDefinition::name)
                                .collect(Collectors.joining(", ", "[", "]"))))).toString());
            default:
                return Optional.empty();
        }
    }

    /**
     * The tool's parameters schema as llama.cpp may read it (an object without properties when it has none): the
     * template engine builds a grammar from it too, so it is checked like every schema ({@link GrammarSchema}).
     */
    static JsonNode parameters(ToolDefinition tool) {
        String prepared;
        try {
            prepared = GrammarSchema.prepare(tool.parametersSchema().orElse(NO_PARAMETERS));
        } catch (LocalModelException e) {
            throw new LocalModelException(e.reason(), "tool '" + tool.name() + "': " + e.getMessage(), e);
        }
        try {
            return JSON.readTree(prepared);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode call(ToolDefinition tool) {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("name").put("const", tool.name());
        properties.set("parameters", parameters(tool));
        schema.putArray("required").add("name").add("parameters");
        schema.put("additionalProperties", false);
        return schema;
    }
}
