package dev.llamakit.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.util.Locale;

/** JSON for the tool loop: strict parsing of arguments, rendering of results and error results. Internal. */
final class ToolJson {
    /** Strict: no trailing tokens, no duplicate keys. Knows {@code Optional} for results. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ToolJson() {
    }

    /**
     * Parses a tool call's arguments: blank means {@code {}}; anything else must be one JSON object.
     *
     * @throws IllegalArgumentException with a message fit for the model when they are not
     */
    static ObjectNode parseArguments(String arguments) {
        if (arguments.isBlank()) {
            return MAPPER.createObjectNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments are not valid JSON: " + describe(e));
        }
        if (node == null || !node.isObject()) {
            String kind = node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new IllegalArgumentException("arguments are not a JSON object: got " + kind);
        }
        return (ObjectNode) node;
    }

    /** A handler's result as tool message content: a string as is, anything else as JSON. */
    static String render(Object result) throws JsonProcessingException {
        if (result instanceof String text) {
            return text;
        }
        return MAPPER.writeValueAsString(result);
    }

    /** {@code {"error":"<message>"}}. */
    static String error(String message) {
        return MAPPER.createObjectNode().put("error", message).toString();
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return e.getLocation() == null ? message
                : message + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
