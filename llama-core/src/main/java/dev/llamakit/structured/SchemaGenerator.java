package dev.llamakit.structured;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Derives a JSON Schema from a record class by reflection (see {@link JsonSchemas} for the mapping). Internal;
 * one instance per derivation.
 */
final class SchemaGenerator {
    private static final Set<Class<?>> INTEGERS = Set.of(byte.class, short.class, int.class, long.class,
            Byte.class, Short.class, Integer.class, Long.class, BigInteger.class);
    private static final Set<Class<?>> NUMBERS = Set.of(float.class, double.class, Float.class, Double.class,
            BigDecimal.class);
    private static final Set<Class<?>> STRINGS = Set.of(String.class, char.class, Character.class);
    private static final Set<Class<?>> OPTIONALS = Set.of(Optional.class, OptionalInt.class, OptionalLong.class,
            OptionalDouble.class);

    /** The records being derived, innermost first: a record met again while in here is recursive. */
    private final Deque<Class<?>> inProgress = new ArrayDeque<>();

    private SchemaGenerator() {
    }

    /** The schema of {@code type}, which must be a record. */
    static ObjectNode generate(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record: structured output schemas are "
                    + "derived from records (declare e.g. record " + type.getSimpleName() + "(String name, int count))");
        }
        return new SchemaGenerator().record(type, type.getSimpleName());
    }

    private ObjectNode record(Class<?> type, String path) {
        if (inProgress.contains(type)) {
            throw new IllegalArgumentException(path + ": record " + type.getName() + " refers to itself; "
                    + "recursive records are not supported");
        }
        inProgress.push(type);
        ObjectNode properties = StrictJson.MAPPER.createObjectNode();
        ArrayNode required = StrictJson.MAPPER.createArrayNode();
        for (RecordComponent component : type.getRecordComponents()) {
            String componentPath = path + "." + component.getName();
            String name = jsonName(component);
            if (properties.has(name)) {
                throw new IllegalArgumentException(componentPath + ": JSON property name '" + name
                        + "' is used twice in " + type.getName());
            }
            Type componentType = component.getGenericType();
            boolean optional = OPTIONALS.contains(rawClass(componentType));
            ObjectNode schema = optional ? optionalValue(componentType, componentPath) : schema(componentType, componentPath);
            JsonPropertyDescription description = annotation(component, JsonPropertyDescription.class);
            properties.set(name, description == null ? schema : withDescription(schema, description.value()));
            if (!optional) {
                required.add(name);
            }
        }
        inProgress.pop();
        ObjectNode schema = StrictJson.MAPPER.createObjectNode().put("type", "object");
        JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
        if (description != null) {
            schema.put("description", description.value());
        }
        schema.set("properties", properties);
        schema.set("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }

    private ObjectNode optionalValue(Type type, String path) {
        Class<?> raw = rawClass(type);
        if (raw == OptionalInt.class || raw == OptionalLong.class) {
            return type("integer");
        }
        if (raw == OptionalDouble.class) {
            return type("number");
        }
        if (!(type instanceof ParameterizedType parameterized)) {
            throw new IllegalArgumentException(path + ": raw Optional; give the value type, e.g. Optional<String>");
        }
        return schema(parameterized.getActualTypeArguments()[0], path);
    }

    private ObjectNode schema(Type type, String path) {
        if (type instanceof Class<?> c) {
            return classSchema(c, path);
        }
        if (type instanceof GenericArrayType array) {
            return array(schema(array.getGenericComponentType(), path + "[]"));
        }
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] arguments = parameterized.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && arguments.length == 1) {
                return array(schema(arguments[0], path + "[]"));
            }
            if (Map.class.isAssignableFrom(raw) && arguments.length == 2) {
                if (arguments[0] != String.class) {
                    throw new IllegalArgumentException(path + ": map keys must be String, got " + arguments[0].getTypeName());
                }
                ObjectNode schema = type("object");
                schema.set("additionalProperties", schema(arguments[1], path + "{}"));
                return schema;
            }
            if (OPTIONALS.contains(raw)) {
                throw optionalNotAllowed(path);
            }
        }
        throw new IllegalArgumentException(path + ": type " + type.getTypeName() + " is not supported "
                + "(use a record, String, a number, boolean, an enum, List/Set/array or Map<String, X>)");
    }

    private ObjectNode classSchema(Class<?> c, String path) {
        if (STRINGS.contains(c)) {
            return type("string");
        }
        if (INTEGERS.contains(c)) {
            return type("integer");
        }
        if (NUMBERS.contains(c)) {
            return type("number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return type("boolean");
        }
        if (c.isEnum()) {
            return enumSchema(c, path);
        }
        if (c.isRecord()) {
            return record(c, path);
        }
        if (c.isArray()) {
            return array(schema(c.getComponentType(), path + "[]"));
        }
        if (OPTIONALS.contains(c)) {
            throw optionalNotAllowed(path);
        }
        if (Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(path + ": raw type " + c.getName()
                    + "; give the type arguments, e.g. List<String> or Map<String, Integer>");
        }
        throw new IllegalArgumentException(path + ": type " + c.getName() + " is not supported "
                + "(use a record, String, a number, boolean, an enum, List/Set/array or Map<String, X>)");
    }

    /** The constants as Jackson writes them (honouring {@code @JsonProperty} and {@code @JsonValue}). */
    private static ObjectNode enumSchema(Class<?> type, String path) {
        ArrayNode values = StrictJson.MAPPER.createArrayNode();
        for (Object constant : type.getEnumConstants()) {
            JsonNode written = StrictJson.MAPPER.valueToTree(constant);
            if (!written.isTextual()) {
                throw new IllegalArgumentException(path + ": enum " + type.getName() + " is not written as strings");
            }
            values.add(written.asText());
        }
        ObjectNode schema = type("string");
        schema.set("enum", values);
        return schema;
    }

    private static IllegalArgumentException optionalNotAllowed(String path) {
        return new IllegalArgumentException(path + ": Optional is supported only as the type of a record component");
    }

    private static String jsonName(RecordComponent component) {
        JsonProperty property = annotation(component, JsonProperty.class);
        return property == null || property.value().isEmpty() ? component.getName() : property.value();
    }

    /** The annotation on the component's field or accessor (Jackson's annotations do not target components). */
    private static <A extends Annotation> A annotation(RecordComponent component, Class<A> annotation) {
        A onAccessor = component.getAccessor().getAnnotation(annotation);
        if (onAccessor != null) {
            return onAccessor;
        }
        try {
            return component.getDeclaringRecord().getDeclaredField(component.getName()).getAnnotation(annotation);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return Object.class;
    }

    private static ObjectNode type(String type) {
        return StrictJson.MAPPER.createObjectNode().put("type", type);
    }

    private static ObjectNode array(ObjectNode items) {
        ObjectNode schema = type("array");
        schema.set("items", items);
        return schema;
    }

    /** A copy of {@code schema} with {@code description} right after {@code type}. */
    private static ObjectNode withDescription(ObjectNode schema, String description) {
        ObjectNode described = StrictJson.MAPPER.createObjectNode();
        described.set("type", schema.get("type"));
        described.put("description", description);
        schema.properties().forEach(e -> {
            if (!e.getKey().equals("type") && !e.getKey().equals("description")) {
                described.set(e.getKey(), e.getValue());
            }
        });
        return described;
    }
}
