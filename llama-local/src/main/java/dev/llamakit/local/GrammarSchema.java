package dev.llamakit.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.local.LocalModelException.Reason;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JSON schema made safe for llama.cpp's grammar converter, which does not report a schema it cannot read: it throws
 * a C++ exception that ends the whole process (an unknown type, a {@code $ref} that leads nowhere, a pattern without
 * {@code ^...$}, a keyword of the wrong JSON type, or a schema without a type made only of keywords it ignores). Every
 * keyword the converter reads is checked for the shape it expects (else {@link Reason#UNSUPPORTED}, saying where);
 * keywords it ignores are dropped, and a schema left with no keyword it reads means any value, as JSON Schema says.
 */
final class GrammarSchema {
    private static final ObjectMapper JSON = LocalJson.MAPPER;
    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "null", "object", "array");
    /** Keywords that decide what the converter writes for a schema without {@code type}. */
    private static final Set<String> STRUCTURAL = Set.of("$ref", "oneOf", "anyOf", "allOf", "const", "enum",
            "properties", "additionalProperties", "items", "prefixItems", "pattern", "format");
    private static final Set<String> COUNTS = Set.of("minItems", "maxItems", "minLength", "maxLength");
    private static final Set<String> BOUNDS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");
    private static final Pattern FORMATS = Pattern.compile("uuid[1-5]?|date|time|date-time");
    private static final Pattern REPETITION = Pattern.compile("\\d{1,6}|\\d{0,6},\\d{0,6}");

    /** A schema for any JSON value (llama.cpp reads an empty schema as any object). */
    private static final String ANY_VALUE = "{\"type\":[\"string\",\"number\",\"boolean\",\"null\",\"object\",\"array\"]}";

    /** Where schemas are, as the JSON pointers a {@code $ref} names them by ({@code ""} is the root). */
    private final Set<String> schemaPointers = new HashSet<>();
    private final Map<String, String> refs = new LinkedHashMap<>();

    private GrammarSchema() {
    }

    /** The schema as llama.cpp may read it. */
    static String prepare(String jsonSchema) {
        JsonNode root;
        try {
            root = JSON.readTree(jsonSchema);
        } catch (JsonProcessingException e) {
            throw unsupported("the JSON schema is not valid JSON: " + e.getOriginalMessage());
        }
        GrammarSchema prepared = new GrammarSchema();
        ObjectNode schema = prepared.schema(root, "$", "");
        // a reference must name a schema of the prepared tree: llama.cpp resolves it there
        prepared.refs.forEach((path, ref) -> {
            if (!prepared.schemaPointers.contains(ref.substring(1))) {
                throw unsupported(path + ": the reference '" + ref + "' does not lead to a schema in this schema");
            }
        });
        return schema.toString();
    }

    private ObjectNode schema(JsonNode node, String path, String pointer) {
        if (node == null || !node.isObject()) {
            throw unsupported(path + " must be a schema object");
        }
        schemaPointers.add(pointer);
        ObjectNode kept = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = keyword(field.getKey(), field.getValue(), path + "." + field.getKey(),
                    pointer + "/" + field.getKey());
            if (value != null) {
                kept.set(field.getKey(), value);
            }
        }
        boolean structural = STRUCTURAL.stream()
                .anyMatch(k -> kept.has(k) && !(k.equals("additionalProperties") && kept.get(k).asBoolean(false)));
        if (!kept.has("type") && !structural) {
            return (ObjectNode) readTree(ANY_VALUE); // e.g. only a description, or minLength without a type
        }
        return kept;
    }

    /** The keyword's value as the converter may read it, or {@code null} to drop a keyword it does not read. */
    private JsonNode keyword(String name, JsonNode value, String path, String pointer) {
        switch (name) {
            case "$ref":
                return ref(value, path);
            case "$defs":
            case "definitions":
            case "properties":
                expect(value.isObject(), path, "an object of schemas");
                ObjectNode schemas = JSON.createObjectNode();
                value.fields().forEachRemaining(e -> schemas.set(e.getKey(),
                        schema(e.getValue(), path + "." + e.getKey(), pointer + "/" + e.getKey())));
                return schemas;
            case "type":
                return type(value, path);
            case "oneOf":
            case "anyOf":
            case "allOf":
            case "prefixItems":
                return schemas(value, path, pointer);
            case "const":
                return value;
            case "enum":
                expect(value.isArray() && !value.isEmpty(), path, "a non-empty array");
                return value;
            case "required":
                expect(value.isArray(), path, "an array of property names");
                value.forEach(v -> expect(v.isTextual(), path, "an array of property names"));
                return value;
            case "additionalProperties":
                return value.isBoolean() ? value : schema(value, path, pointer);
            case "items":
                return value.isArray() ? schemas(value, path, pointer) : schema(value, path, pointer);
            case "pattern":
                return pattern(value, path);
            case "format":
                expect(value.isTextual(), path, "a string");
                return FORMATS.matcher(value.asText()).matches() ? value : null; // other formats are not read
            default:
                if (COUNTS.contains(name)) {
                    expect(value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 0, path,
                            "a non-negative integer");
                    return value;
                }
                if (BOUNDS.contains(name)) {
                    expect(value.isNumber() && value.canConvertToLong(), path, "a number within the range of a long");
                    return value;
                }
                return null; // title, description, default, examples, $schema...: not read
        }
    }

    private ArrayNode schemas(JsonNode value, String path, String pointer) {
        expect(value.isArray() && !value.isEmpty(), path, "a non-empty array of schemas");
        ArrayNode schemas = JSON.createArrayNode();
        for (int i = 0; i < value.size(); i++) {
            schemas.add(schema(value.get(i), path + "[" + i + "]", pointer + "/" + i));
        }
        return schemas;
    }

    private static JsonNode type(JsonNode value, String path) {
        if (value.isTextual()) {
            expect(TYPES.contains(value.asText()), path, "one of " + TYPES);
            return value;
        }
        expect(value.isArray() && !value.isEmpty(), path, "a type name or an array of type names");
        value.forEach(v -> expect(v.isTextual() && TYPES.contains(v.asText()), path, "type names among " + TYPES));
        return value;
    }

    /** Only references into this schema ({@code #/...}); where they lead is checked once all is prepared. */
    private JsonNode ref(JsonNode value, String path) {
        expect(value.isTextual(), path, "a string");
        String ref = value.asText();
        if (!ref.startsWith("#/")) {
            throw unsupported(path + ": only references within the schema (#/...) are supported, got '" + ref + "'");
        }
        refs.put(path, ref);
        return value;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Anchored, brackets balanced, repetitions of digits: what llama.cpp's pattern reader accepts. */
    private static JsonNode pattern(JsonNode value, String path) {
        expect(value.isTextual(), path, "a string");
        String pattern = value.asText();
        String what = "a regular expression that starts with ^, ends with $, has balanced (...) and [...], "
                + "and {n}, {n,} or {n,m} repetitions";
        expect(pattern.length() >= 2 && pattern.startsWith("^") && pattern.endsWith("$"), path, what);
        int depth = 0;
        boolean atom = false; // whether a quantifier has something before it to repeat
        for (int i = 1; i < pattern.length() - 1; i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '+' || c == '?' || c == '{') {
                expect(atom, path, what + " (a repetition needs something before it; no (?...) groups)");
            }
            atom = c != '(' && c != '|';
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                expect(pattern.charAt(i + 1) != '?', path, what + " (no (?...) groups)");
                depth++;
            } else if (c == ')') {
                depth--;
                expect(depth >= 0, path, what);
            } else if (c == '[') {
                i = classEnd(pattern, i + 1);
                expect(i > 0, path, what);
            } else if (c == '{') {
                int end = pattern.indexOf('}', i);
                expect(end > 0 && end < pattern.length() - 1
                        && REPETITION.matcher(pattern.substring(i + 1, end)).matches(), path, what);
                i = end;
            } else if (c == '}' || c == ']') {
                expect(false, path, what);
            }
        }
        expect(depth == 0, path, what);
        return value;
    }

    private static int classEnd(String pattern, int from) {
        for (int i = from; i < pattern.length() - 1; i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ']') {
                return i;
            }
        }
        return -1;
    }

    private static void expect(boolean ok, String path, String what) {
        if (!ok) {
            throw unsupported(path + " must be " + what);
        }
    }

    private static LocalModelException unsupported(String message) {
        return new LocalModelException(Reason.UNSUPPORTED, "llama.cpp cannot turn this JSON schema into a grammar: "
                + message);
    }
}
