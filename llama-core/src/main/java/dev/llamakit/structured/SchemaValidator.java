package dev.llamakit.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a schema made by {@link SchemaGenerator} (the subset it writes: {@code type},
 * {@code properties}, {@code required}, {@code additionalProperties}, {@code items}, {@code enum}) and lists every
 * mismatch with its path ({@code $.items[2].price}). A property that is not required may be {@code null}.
 * Internal; one instance per check.
 */
final class SchemaValidator {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<String> problems = new ArrayList<>();

    private SchemaValidator() {
    }

    /** The mismatches of {@code value} against {@code schema}, in document order; empty when it conforms. */
    static List<String> validate(JsonNode value, JsonNode schema) {
        SchemaValidator validator = new SchemaValidator();
        validator.check(value, schema, "$");
        return List.copyOf(validator.problems);
    }

    private void check(JsonNode value, JsonNode schema, String path) {
        String type = schema.get("type").asText();
        switch (type) {
            case "object" -> object(value, schema, path);
            case "array" -> array(value, schema, path);
            case "string" -> string(value, schema, path);
            case "integer" -> expect(isInteger(value), "integer", value, path);
            case "number" -> expect(value.isNumber(), "number", value, path);
            case "boolean" -> expect(value.isBoolean(), "boolean", value, path);
            default -> throw new IllegalStateException("unexpected schema type " + type);
        }
    }

    private void object(JsonNode value, JsonNode schema, String path) {
        if (!expect(value.isObject(), "object", value, path)) {
            return;
        }
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        if (properties == null) { // a Map<String, X>
            value.properties().forEach(e -> check(e.getValue(), additional, child(path, e.getKey())));
            return;
        }
        Set<String> required = new HashSet<>();
        schema.get("required").forEach(name -> required.add(name.asText()));
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            JsonNode propertySchema = properties.get(field.getKey());
            String fieldPath = child(path, field.getKey());
            if (propertySchema == null) {
                problems.add(fieldPath + ": unknown property (expected: " + names(properties) + ")");
            } else if (!(field.getValue().isNull() && !required.contains(field.getKey()))) {
                check(field.getValue(), propertySchema, fieldPath);
            }
        }
        for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (required.contains(name) && !value.has(name)) {
                problems.add(child(path, name) + ": missing required property");
            }
        }
    }

    private void array(JsonNode value, JsonNode schema, String path) {
        if (!expect(value.isArray(), "array", value, path)) {
            return;
        }
        for (int i = 0; i < value.size(); i++) {
            check(value.get(i), schema.get("items"), path + "[" + i + "]");
        }
    }

    private void string(JsonNode value, JsonNode schema, String path) {
        JsonNode allowed = schema.get("enum");
        if (allowed == null) {
            expect(value.isTextual(), "string", value, path);
            return;
        }
        boolean found = false;
        for (JsonNode option : allowed) {
            found |= option.equals(value);
        }
        if (!found) {
            List<String> options = new ArrayList<>();
            allowed.forEach(option -> options.add(option.asText()));
            problems.add(path + ": expected one of " + options + ", got " + describe(value));
        }
    }

    private boolean expect(boolean ok, String expected, JsonNode value, String path) {
        if (!ok) {
            problems.add(path + ": expected " + expected + ", got " + describe(value));
        }
        return ok;
    }

    /** Integral numbers, including {@code 3.0} (JSON Schema's view); not {@code 3.5}. */
    private static boolean isInteger(JsonNode value) {
        if (value.isIntegralNumber()) {
            return true;
        }
        if (!value.isFloatingPointNumber()) {
            return false;
        }
        BigDecimal decimal = value.decimalValue();
        return decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0;
    }

    private static String describe(JsonNode value) {
        String kind = value.getNodeType().name().toLowerCase(Locale.ROOT);
        if (value.isNull() || value.isContainerNode()) {
            return kind;
        }
        String text = value.toString();
        return kind + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    private static String names(JsonNode properties) {
        List<String> names = new ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    static String child(String path, String name) {
        return IDENTIFIER.matcher(name).matches() ? path + "." + name
                : path + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }
}
