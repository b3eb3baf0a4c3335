package dev.llamakit.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

    enum Status { PENDING, @JsonProperty("shipped") SHIPPED }

    record Address(String street, @JsonProperty("zip_code") String zip) {
    }

    @JsonClassDescription("A person who orders")
    record Customer(@JsonPropertyDescription("Full name") String name, Address address, Optional<String> email) {
    }

    record Line(String sku, int quantity, BigDecimal price) {
    }

    record Order(String id, Customer customer, List<Line> lines, Map<String, Integer> stock, Status status,
                 double total, boolean paid, Set<String> tags, long[] codes, Optional<Address> billing) {
    }

    @Test
    void derivesTheExactSchemaOfARichNestedRecord() {
        String expected = """
                {"type":"object","properties":{\
                "id":{"type":"string"},\
                "customer":{"type":"object","description":"A person who orders","properties":{\
                "name":{"type":"string","description":"Full name"},\
                "address":{"type":"object","properties":{"street":{"type":"string"},"zip_code":{"type":"string"}},\
                "required":["street","zip_code"],"additionalProperties":false},\
                "email":{"type":"string"}},\
                "required":["name","address"],"additionalProperties":false},\
                "lines":{"type":"array","items":{"type":"object","properties":{\
                "sku":{"type":"string"},"quantity":{"type":"integer"},"price":{"type":"number"}},\
                "required":["sku","quantity","price"],"additionalProperties":false}},\
                "stock":{"type":"object","additionalProperties":{"type":"integer"}},\
                "status":{"type":"string","enum":["PENDING","shipped"]},\
                "total":{"type":"number"},\
                "paid":{"type":"boolean"},\
                "tags":{"type":"array","items":{"type":"string"}},\
                "codes":{"type":"array","items":{"type":"integer"}},\
                "billing":{"type":"object","properties":{"street":{"type":"string"},"zip_code":{"type":"string"}},\
                "required":["street","zip_code"],"additionalProperties":false}},\
                "required":["id","customer","lines","stock","status","total","paid","tags","codes"],\
                "additionalProperties":false}""";
        assertThat(JsonSchemas.of(Order.class)).isEqualTo(expected);
    }

    record Scalars(String s, char c, Character boxedChar, byte b, short sh, int i, long l, Integer boxedInt,
                   BigInteger big, float f, double d, Double boxedDouble, BigDecimal dec, boolean flag, Boolean boxedFlag) {
    }

    @Test
    void mapsScalarTypes() {
        assertThat(JsonSchemas.of(Scalars.class)).isEqualTo("""
                {"type":"object","properties":{"s":{"type":"string"},"c":{"type":"string"},"boxedChar":{"type":"string"},\
                "b":{"type":"integer"},"sh":{"type":"integer"},"i":{"type":"integer"},"l":{"type":"integer"},\
                "boxedInt":{"type":"integer"},"big":{"type":"integer"},"f":{"type":"number"},"d":{"type":"number"},\
                "boxedDouble":{"type":"number"},"dec":{"type":"number"},"flag":{"type":"boolean"},"boxedFlag":{"type":"boolean"}},\
                "required":["s","c","boxedChar","b","sh","i","l","boxedInt","big","f","d","boxedDouble","dec","flag","boxedFlag"],\
                "additionalProperties":false}""");
    }

    record Optionals(Optional<String> note, OptionalInt count, OptionalLong big, OptionalDouble ratio,
                     @JsonPropertyDescription("When known") Optional<List<String>> labels) {
    }

    @Test
    void optionalComponentsAreNotRequired() {
        assertThat(JsonSchemas.of(Optionals.class)).isEqualTo("""
                {"type":"object","properties":{"note":{"type":"string"},"count":{"type":"integer"},\
                "big":{"type":"integer"},"ratio":{"type":"number"},\
                "labels":{"type":"array","description":"When known","items":{"type":"string"}}},\
                "required":[],"additionalProperties":false}""");
    }

    record Nested(List<List<Integer>> matrix, Map<String, List<Address>> byCity, String[][] grid,
                  Collection<Status> statuses, List<Status>[] buckets) {
    }

    @Test
    void nestsCollectionsMapsAndArrays() {
        assertThat(JsonSchemas.of(Nested.class)).isEqualTo("""
                {"type":"object","properties":{\
                "matrix":{"type":"array","items":{"type":"array","items":{"type":"integer"}}},\
                "byCity":{"type":"object","additionalProperties":{"type":"array","items":{"type":"object","properties":\
                {"street":{"type":"string"},"zip_code":{"type":"string"}},"required":["street","zip_code"],"additionalProperties":false}}},\
                "grid":{"type":"array","items":{"type":"array","items":{"type":"string"}}},\
                "statuses":{"type":"array","items":{"type":"string","enum":["PENDING","shipped"]}},\
                "buckets":{"type":"array","items":{"type":"array","items":{"type":"string","enum":["PENDING","shipped"]}}}},\
                "required":["matrix","byCity","grid","statuses","buckets"],"additionalProperties":false}""");
    }

    record Renamed(@JsonProperty("first_name") String firstName, @JsonProperty String plain,
                   @JsonProperty(value = "years", required = true) @JsonPropertyDescription("Age in years") int age) {
    }

    @Test
    void honoursJsonPropertyNamesAndDescriptions() {
        assertThat(JsonSchemas.of(Renamed.class)).isEqualTo("""
                {"type":"object","properties":{"first_name":{"type":"string"},"plain":{"type":"string"},\
                "years":{"type":"integer","description":"Age in years"}},\
                "required":["first_name","plain","years"],"additionalProperties":false}""");
    }

    record Empty() {
    }

    @Test
    void anEmptyRecordIsAnObjectWithoutProperties() {
        assertThat(JsonSchemas.of(Empty.class))
                .isEqualTo("{\"type\":\"object\",\"properties\":{},\"required\":[],\"additionalProperties\":false}");
    }

    @Test
    void cachesSchemasPerClass() {
        assertThat(JsonSchemas.of(Order.class)).isSameAs(JsonSchemas.of(Order.class));
    }

    record WithObject(String name, Object payload) {
    }

    record Item(String sku, Object price) {
    }

    record Deep(String id, List<Item> items) {
    }

    @SuppressWarnings("rawtypes")
    record Raw(List values) {
    }

    record Wildcard(List<?> values) {
    }

    record IntKeys(Map<Integer, String> byId) {
    }

    record Iface(CharSequence text) {
    }

    record OptionalInList(List<Optional<String>> values) {
    }

    record Uuid(UUID id) {
    }

    record Generic<T>(T value) {
    }

    record Tree(String label, List<Tree> children) {
    }

    record Outer(Inner inner) {
    }

    record Inner(List<Outer> back) {
    }

    record Clash(@JsonProperty("x") String a, @JsonProperty("x") String b) {
    }

    @Test
    void rejectsUnsupportedTypesNamingTheComponentPath() {
        assertThatThrownBy(() -> JsonSchemas.of(WithObject.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("WithObject.payload: type java.lang.Object is not supported");
        assertThatThrownBy(() -> JsonSchemas.of(Deep.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Deep.items[].price: type java.lang.Object is not supported");
        assertThatThrownBy(() -> JsonSchemas.of(Raw.class))
                .hasMessageStartingWith("Raw.values: raw type java.util.List; give the type arguments");
        assertThatThrownBy(() -> JsonSchemas.of(Wildcard.class))
                .hasMessageStartingWith("Wildcard.values[]: type ? is not supported");
        assertThatThrownBy(() -> JsonSchemas.of(IntKeys.class))
                .hasMessage("IntKeys.byId: map keys must be String, got java.lang.Integer");
        assertThatThrownBy(() -> JsonSchemas.of(Iface.class))
                .hasMessageStartingWith("Iface.text: type java.lang.CharSequence is not supported");
        assertThatThrownBy(() -> JsonSchemas.of(OptionalInList.class))
                .hasMessage("OptionalInList.values[]: Optional is supported only as the type of a record component");
        assertThatThrownBy(() -> JsonSchemas.of(Uuid.class))
                .hasMessageStartingWith("Uuid.id: type java.util.UUID is not supported");
        assertThatThrownBy(() -> JsonSchemas.of(Generic.class))
                .hasMessageStartingWith("Generic.value: type T is not supported");
        assertThatThrownBy(() -> JsonSchemas.of(Clash.class))
                .hasMessageContaining("Clash.b: JSON property name 'x' is used twice");
    }

    @Test
    void rejectsRecursiveRecords() {
        assertThatThrownBy(() -> JsonSchemas.of(Tree.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tree.children[]: record " + Tree.class.getName() + " refers to itself; recursive records are not supported");
        assertThatThrownBy(() -> JsonSchemas.of(Outer.class))
                .hasMessageStartingWith("Outer.inner.back[]: record " + Outer.class.getName() + " refers to itself");
    }

    @Test
    void acceptsTheSameRecordTwiceWhenNotRecursive() {
        record Route(Address from, Address to) {
        }
        assertThat(JsonSchemas.of(Route.class)).contains("\"from\":{\"type\":\"object\"", "\"to\":{\"type\":\"object\"");
    }

    @Test
    void rejectsNonRecordsAndNull() {
        assertThatThrownBy(() -> JsonSchemas.of(String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("java.lang.String is not a record");
        assertThatThrownBy(() -> JsonSchemas.of(null)).isInstanceOf(NullPointerException.class).hasMessage("type");
    }
}
