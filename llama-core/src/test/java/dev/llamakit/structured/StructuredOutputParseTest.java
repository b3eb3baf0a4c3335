package dev.llamakit.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class StructuredOutputParseTest {

    enum Priority { LOW, @JsonProperty("high") HIGH }

    record Line(String sku, int quantity, BigDecimal price) {
    }

    record Order(String id, List<Line> lines, Map<String, Integer> stock, Priority priority,
                 @JsonProperty("is_paid") boolean paid, Optional<String> note, OptionalInt rating) {
    }

    static final String ORDER = """
            {"id":"o-1","lines":[{"sku":"A","quantity":2,"price":9.5},{"sku":"B","quantity":1,"price":20}],
             "stock":{"A":3,"B":0},"priority":"high","is_paid":true,"note":"leave at door","rating":4}""";

    @Test
    void readsAMatchingReply() {
        Order order = StructuredOutput.parse(ORDER, Order.class);
        assertThat(order).isEqualTo(new Order("o-1",
                List.of(new Line("A", 2, new BigDecimal("9.5")), new Line("B", 1, new BigDecimal("20"))),
                Map.of("A", 3, "B", 0), Priority.HIGH, true, Optional.of("leave at door"), OptionalInt.of(4)));
    }

    @Test
    void optionalPropertiesMayBeMissingOrNull() {
        String missing = """
                {"id":"o-2","lines":[],"stock":{},"priority":"LOW","is_paid":false}""";
        assertThat(StructuredOutput.parse(missing, Order.class))
                .isEqualTo(new Order("o-2", List.of(), Map.of(), Priority.LOW, false, Optional.empty(), OptionalInt.empty()));
        String nulls = """
                {"id":"o-2","lines":[],"stock":{},"priority":"LOW","is_paid":false,"note":null,"rating":null}""";
        assertThat(StructuredOutput.parse(nulls, Order.class))
                .isEqualTo(new Order("o-2", List.of(), Map.of(), Priority.LOW, false, Optional.empty(), OptionalInt.empty()));
    }

    @Test
    void toleratesOneJsonFencedBlock() {
        Order plain = StructuredOutput.parse(ORDER, Order.class);
        assertThat(StructuredOutput.parse("```json\n" + ORDER + "\n```", Order.class)).isEqualTo(plain);
        assertThat(StructuredOutput.parse("  ```JSON\r\n" + ORDER + "```\n", Order.class)).isEqualTo(plain);
        assertThat(StructuredOutput.parse("```\n" + ORDER + "\n```", Order.class)).isEqualTo(plain);
        assertThat(StructuredOutput.parse("\n\n" + ORDER + "\n", Order.class)).isEqualTo(plain);
    }

    @Test
    void rejectsTextAroundAFence() {
        String text = "Here is the order:\n```json\n" + ORDER + "\n```";
        assertThatThrownBy(() -> StructuredOutput.parse(text, Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON: Unrecognized token 'Here'")
                .hasMessageEndingWith("(only bare JSON or a single ```json fenced block, without text around it, is accepted)")
                .satisfies(e -> assertThat(((StructuredOutputException) e).rawText()).isEqualTo(text));
        assertThatThrownBy(() -> StructuredOutput.parse("```json\n" + ORDER + "\n```\nHope this helps!", Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON");
        assertThatThrownBy(() -> StructuredOutput.parse("```python\n" + ORDER + "\n```", Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON");
    }

    @Test
    void rejectsInvalidJson() {
        String cut = "{\"id\":\"o-1\",\"lines\":[{\"sku\":";
        assertThatThrownBy(() -> StructuredOutput.parse(cut, Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON: Unexpected end-of-input")
                .hasMessageNotContaining("```")
                .satisfies(e -> assertThat(((StructuredOutputException) e).rawText()).isEqualTo(cut));
        assertThatThrownBy(() -> StructuredOutput.parse("{'id': 'o-1'}", Order.class))
                .hasMessageStartingWith("the reply is not valid JSON: Unexpected character")
                .hasMessageContaining("(line 1, column 2)");
        assertThatThrownBy(() -> StructuredOutput.parse("", Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessage("the reply is empty; expected a JSON object");
        assertThatThrownBy(() -> StructuredOutput.parse("```json\n```", Order.class))
                .hasMessage("the reply is empty; expected a JSON object");
    }

    @Test
    void rejectsTrailingTokensAndDuplicateKeys() {
        assertThatThrownBy(() -> StructuredOutput.parse(ORDER + " {}", Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON: Trailing token");
        assertThatThrownBy(() -> StructuredOutput.parse("{\"id\":\"a\",\"id\":\"b\"}", Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON: Duplicate field 'id'");
    }

    @Test
    void namesTheMissingProperty() {
        String text = """
                {"id":"o-1","lines":[{"sku":"A","price":1}],"stock":{},"priority":"LOW"}""";
        assertThatThrownBy(() -> StructuredOutput.parse(text, Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessage("the reply does not match Order: $.lines[0].quantity: missing required property; "
                        + "$.is_paid: missing required property");
    }

    @Test
    void namesWrongTypesUnknownPropertiesAndBadEnumValues() {
        String text = """
                {"id":7,"lines":[{"sku":"A","quantity":"2","price":1,"colour":"red"}],"stock":{"A":1.5,"b c":true},
                 "priority":"urgent","is_paid":"yes","note":3,"extra":{}}""";
        assertThatThrownBy(() -> StructuredOutput.parse(text, Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessage("the reply does not match Order: $.id: expected string, got number 7; "
                        + "$.lines[0].quantity: expected integer, got string \"2\"; "
                        + "$.lines[0].colour: unknown property (expected: sku, quantity, price); "
                        + "$.stock.A: expected integer, got number 1.5; "
                        + "$.stock['b c']: expected integer, got boolean true; and 4 more");
        assertThatThrownBy(() -> StructuredOutput.parse(text.replace("\"id\":7", "\"id\":\"x\"")
                        .replace("\"2\"", "2").replace(",\"colour\":\"red\"", "").replace("1.5", "1")
                        .replace("true}", "1}"), Order.class))
                .hasMessage("the reply does not match Order: $.priority: expected one of [LOW, high], got string \"urgent\"; "
                        + "$.is_paid: expected boolean, got string \"yes\"; $.note: expected string, got number 3; "
                        + "$.extra: unknown property (expected: id, lines, stock, priority, is_paid, note, rating)");
    }

    @Test
    void rejectsNullForRequiredPropertiesAndPrimitives() {
        String text = """
                {"id":null,"lines":[],"stock":{},"priority":"LOW","is_paid":null}""";
        assertThatThrownBy(() -> StructuredOutput.parse(text, Order.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessage("the reply does not match Order: $.id: expected string, got null; "
                        + "$.is_paid: expected boolean, got null");
    }

    @Test
    void rejectsANonObjectReply() {
        assertThatThrownBy(() -> StructuredOutput.parse("[1, 2]", Order.class))
                .hasMessage("the reply does not match Order: $: expected object, got array");
        assertThatThrownBy(() -> StructuredOutput.parse("\"just text\"", Order.class))
                .hasMessage("the reply does not match Order: $: expected object, got string \"just text\"");
    }

    record Small(int count, char letter) {
    }

    @Test
    void acceptsIntegralFloatsButReportsValuesJavaCannotHold() {
        assertThat(StructuredOutput.parse("{\"count\":3.0,\"letter\":\"x\"}", Small.class)).isEqualTo(new Small(3, 'x'));
        assertThatThrownBy(() -> StructuredOutput.parse("{\"count\":3.5,\"letter\":\"x\"}", Small.class))
                .hasMessage("the reply does not match Small: $.count: expected integer, got number 3.5");
        assertThatThrownBy(() -> StructuredOutput.parse("{\"count\":12345678901,\"letter\":\"x\"}", Small.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply does not match Small: $.count: Numeric value (12345678901) out of range of int");
        assertThatThrownBy(() -> StructuredOutput.parse("{\"count\":1,\"letter\":\"xy\"}", Small.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply does not match Small: $.letter: ");
    }

    record Checked(String name) {
        Checked {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
        }
    }

    record Holder(List<Checked> items) {
    }

    @Test
    void reportsAFailingRecordConstructorWithItsPath() {
        assertThatThrownBy(() -> StructuredOutput.parse("{\"items\":[{\"name\":\"a\"},{\"name\":\" \"}]}", Holder.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessage("the reply does not match Holder: $.items[1]: cannot create Checked: name must not be blank");
    }

    @Test
    void rejectsTypesWithoutASchemaAndNulls() {
        assertThatThrownBy(() -> StructuredOutput.parse("{}", Map.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("java.util.Map is not a record");
        assertThatThrownBy(() -> StructuredOutput.parse(null, Small.class)).hasMessage("text");
        assertThatThrownBy(() -> StructuredOutput.parse("{}", null)).hasMessage("type");
    }
}
