package dev.llamakit.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one shared, configured {@link ObjectMapper} of llamakit, and small JSON helpers. Internal. */
public final class Json {
    /** Ignores unknown properties: servers add fields, and that must never break a client. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /** Parses {@code json}, which must be a JSON object, and returns it in compact form. */
    public static String requireObject(String json, String what) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        return node.toString();
    }

    /** Parses JSON text known to be valid (for example, from {@link #requireObject}). */
    public static JsonNode parseTrusted(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unexpected invalid JSON", e);
        }
    }

    /** A new, empty JSON object. */
    /** {@code node} as UTF-8 JSON, written straight to bytes (no intermediate string). */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e); // a tree of our own nodes always writes
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The text of {@code node.get(field)} when it is a string, else {@code null}. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
