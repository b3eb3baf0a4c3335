package dev.llamakit.structured;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * JSON Schemas derived from Java records, for {@code response_format} and for tool parameters. Schemas are
 * derived once per class and cached.
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>Java</th><th>JSON Schema</th></tr>
 *   <tr><td>record</td><td>{@code object} with {@code properties} (in component order), {@code required} and
 *       {@code additionalProperties: false}</td></tr>
 *   <tr><td>{@code String}, {@code char}, {@code Character}</td><td>{@code string}</td></tr>
 *   <tr><td>{@code byte}, {@code short}, {@code int}, {@code long} (and boxes), {@code BigInteger}</td>
 *       <td>{@code integer}</td></tr>
 *   <tr><td>{@code float}, {@code double} (and boxes), {@code BigDecimal}</td><td>{@code number}</td></tr>
 *   <tr><td>{@code boolean}, {@code Boolean}</td><td>{@code boolean}</td></tr>
 *   <tr><td>enum</td><td>{@code string} with {@code enum}: the names Jackson writes ({@code @JsonProperty} on
 *       constants honoured)</td></tr>
 *   <tr><td>{@code List<X>}, {@code Set<X>}, any {@code Collection<X>}, {@code X[]}</td>
 *       <td>{@code array} with {@code items}</td></tr>
 *   <tr><td>{@code Map<String, X>}</td><td>{@code object} with {@code additionalProperties}</td></tr>
 *   <tr><td>{@code Optional<X>}, {@code OptionalInt}, {@code OptionalLong}, {@code OptionalDouble} (record
 *       components only)</td><td>the value's schema; the property is not {@code required}</td></tr>
 * </table>
 *
 * <p>Every other component is required. {@code @JsonProperty("name")} on a component renames its property,
 * {@code @JsonPropertyDescription} adds a {@code description}, {@code @JsonClassDescription} on a record
 * describes its object. Recursive records, raw collection types, wildcards, type variables and other types
 * ({@code Object}, interfaces, {@code UUID}, dates) are rejected with an {@link IllegalArgumentException} naming
 * the component's path, e.g. {@code Order.items[].price}.
 */
public final class JsonSchemas {
    private static final ClassValue<Derived> CACHE = new ClassValue<>() {
        @Override
        protected Derived computeValue(Class<?> type) {
            ObjectNode schema = SchemaGenerator.generate(type);
            return new Derived(schema, schema.toString());
        }
    };

    private JsonSchemas() {
    }

    /**
     * The JSON Schema of a record class, as compact JSON text (ready for
     * {@link dev.llamakit.chat.ResponseFormat#jsonSchema(String, String, Boolean)} or
     * {@link dev.llamakit.chat.ToolDefinition.Builder#parametersSchema(String)}).
     *
     * @throws IllegalArgumentException when {@code type} is not a record or holds a type without a mapping
     */
    public static String of(Class<?> type) {
        Objects.requireNonNull(type, "type");
        return CACHE.get(type).text();
    }

    /** The cached schema tree, shared: callers must not modify it. */
    static ObjectNode tree(Class<?> type) {
        return CACHE.get(type).tree();
    }

    private record Derived(ObjectNode tree, String text) {
    }
}
