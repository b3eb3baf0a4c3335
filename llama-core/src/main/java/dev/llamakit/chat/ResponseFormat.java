package dev.llamakit.chat;

import dev.llamakit.internal.json.Json;
import java.util.Objects;
import java.util.Optional;

/** The format of the reply: plain text, or JSON following a schema. */
public final class ResponseFormat {
    private static final ResponseFormat TEXT = new ResponseFormat("text", null, null, null);

    private final String type;
    private final String name;
    private final String schema;
    private final Boolean strict;

    private ResponseFormat(String type, String name, String schema, Boolean strict) {
        this.type = type;
        this.name = name;
        this.schema = schema;
        this.strict = strict;
    }

    /** Plain text (the server's default). */
    public static ResponseFormat text() {
        return TEXT;
    }

    /** JSON following {@code jsonSchema} (a JSON object, as text), named {@code name}. */
    public static ResponseFormat jsonSchema(String name, String jsonSchema) {
        return jsonSchema(name, jsonSchema, null);
    }

    /** As {@link #jsonSchema(String, String)}, asking the server to enforce the schema strictly when {@code strict}. */
    public static ResponseFormat jsonSchema(String name, String jsonSchema, Boolean strict) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jsonSchema, "jsonSchema");
        if (name.isBlank()) {
            throw new IllegalArgumentException("json_schema name must not be blank");
        }
        return new ResponseFormat("json_schema", name, Json.requireObject(jsonSchema, "json_schema '" + name + "'"), strict);
    }

    /** {@code text} or {@code json_schema}. */
    public String type() {
        return type;
    }

    /** The schema's name, for {@code json_schema}. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The JSON schema as text, for {@code json_schema}. */
    public Optional<String> schema() {
        return Optional.ofNullable(schema);
    }

    /** The strictness flag, when set. */
    public Optional<Boolean> strict() {
        return Optional.ofNullable(strict);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResponseFormat f && type.equals(f.type) && Objects.equals(name, f.name)
                && Objects.equals(schema, f.schema) && Objects.equals(strict, f.strict);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, schema, strict);
    }

    @Override
    public String toString() {
        return name == null ? "ResponseFormat[" + type + "]" : "ResponseFormat[" + type + ", name=" + name + "]";
    }
}
