package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.local.LocalModelException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * llama.cpp ends the process on a JSON schema it cannot convert, so every schema goes through
 * {@link GrammarSchema} first. llama.cpp itself is the oracle: thousands of generated schemas, valid and broken,
 * and every one the check lets through is converted in a child JVM, which must survive them all
 * ({@code -Dseed=N -Dschemas=M} runs other or more; 90,000 from three seeds passed, about 24,500 of them converted).
 */
class GrammarSchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    /** Each of these ended the JVM in llama.cpp before the check (found by probing). */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"$ref\":\"#/nowhere\"}",
        "{\"type\":\"foo\"}",
        "{\"type\":5}",
        "{\"type\":[\"string\",\"foo\"]}",
        "{\"type\":\"string\",\"pattern\":\"abc\"}",
        "{\"type\":\"string\",\"pattern\":\"^a{x}$\"}",
        "{\"type\":\"string\",\"pattern\":\"^(?:a)$\"}",
        "{\"type\":\"string\",\"pattern\":\"^(?=a)a$\"}",
        "{\"type\":\"string\",\"pattern\":\"^*$\"}",
        "{\"type\":\"string\",\"pattern\":\"^+a$\"}",
        "{\"type\":\"string\",\"pattern\":\"^{2}$\"}",
        "{\"type\":\"string\",\"pattern\":\"^a|*b$\"}",
        "[1,2]",
        "not json",
        "{\"type\":\"string\",\"minLength\":\"3\"}",
        "{\"type\":\"array\",\"items\":5}",
        "{\"anyOf\":{}}",
        "{\"type\":\"integer\",\"minimum\":\"a\"}",
        "{\"type\":\"object\",\"properties\":{\"a\":true}}"
    })
    void schemasLlamaCppWouldDieOnAreRefusedWithAReason(String schema) {
        assertThatThrownBy(() -> JsonGrammar.of(schema)).isInstanceOf(LocalModelException.class)
                .hasMessageStartingWith("llama.cpp cannot turn this JSON schema into a grammar: ")
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(Reason.UNSUPPORTED));
    }

    @Test
    void theMessageSaysWhereAndWhat() {
        assertThatThrownBy(() -> GrammarSchema.prepare("{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"int\"}}}"))
                .hasMessageContaining("$.properties.age.type must be one of");
        assertThatThrownBy(() -> GrammarSchema.prepare("{\"$ref\":\"https://example.com/s.json\"}"))
                .hasMessageContaining("only references within the schema");
        assertThatThrownBy(() -> GrammarSchema.prepare("{\"properties\":{\"a\":{\"type\":\"string\"}},\"$ref\":\"#/properties\"}"))
                .hasMessageContaining("$.$ref: the reference '#/properties' does not lead to a schema");
    }

    @Test
    void aWellFormedSchemaKeepsEveryKeywordLlamaCppReads() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":20},"
                + "\"level\":{\"type\":\"string\",\"enum\":[\"LOW\",\"HIGH\"]},\"tags\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\"},\"maxItems\":3},\"day\":{\"type\":\"string\",\"format\":\"date\"},"
                + "\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7},\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{2,3}$\"},"
                + "\"next\":{\"$ref\":\"#/$defs/item\"}},\"required\":[\"name\",\"level\"],\"additionalProperties\":false,"
                + "\"$defs\":{\"item\":{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"number\"}]}}}";
        assertThat(JSON.readTree(GrammarSchema.prepare(schema))).isEqualTo(JSON.readTree(schema));
    }

    @Test
    void keywordsLlamaCppDoesNotReadAreDroppedAndNothingLeftMeansAnyValue() throws Exception {
        assertThat(GrammarSchema.prepare("{\"type\":\"string\",\"description\":\"a name\",\"format\":\"email\"}"))
                .isEqualTo("{\"type\":\"string\"}");
        String anyValue = "{\"type\":[\"string\",\"number\",\"boolean\",\"null\",\"object\",\"array\"]}";
        assertThat(GrammarSchema.prepare("{\"description\":\"anything\"}")).isEqualTo(anyValue);
        assertThat(GrammarSchema.prepare("{\"minLength\":2,\"title\":\"t\"}")).isEqualTo(anyValue);
        assertThat(JsonGrammar.of("{\"format\":\"weird\"}")).contains("root ::=");
    }

    @Test
    void everySchemaTheCheckLetsThroughIsConvertedByLlamaCpp() throws Exception {
        Random random = new Random(Long.getLong("seed", 20261206));
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < Integer.getInteger("schemas", 4000); i++) {
            String schema = schema(random, 0, true).toString();
            try {
                accepted.add(GrammarSchema.prepare(schema));
            } catch (LocalModelException e) {
                refused++;
            }
        }
        assertThat(accepted).hasSizeGreaterThan(800); // the generator is not only producing broken schemas
        assertThat(refused).isGreaterThan(800);

        Path file = Files.write(dir.resolve("schemas.txt"), accepted, StandardCharsets.UTF_8);
        List<String> output = runOracle(file);
        String last = output.stream().filter(l -> l.startsWith("converting ")).reduce((a, b) -> b).orElse("none");
        assertThat(output).as("the child JVM died converting %s: %s", last,
                last.startsWith("converting ") ? accepted.get(Integer.parseInt(last.substring(11))) : "")
                .contains("done " + accepted.size());
    }

    private List<String> runOracle(Path schemas) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        String natives = System.getProperty("de.kherud.llama.tmpdir");
        if (natives != null) {
            command.add("-Dde.kherud.llama.tmpdir=" + natives);
        }
        command.addAll(List.of(GrammarOracle.class.getName(), schemas.toString()));
        Path log = dir.resolve("oracle.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    /** A schema, mostly well-formed, sometimes with a keyword of the wrong shape. */
    static JsonNode schema(Random r, int depth, boolean root) {
        ObjectNode s = F.objectNode();
        int keywords = 1 + r.nextInt(depth > 2 ? 2 : 4);
        for (int k = 0; k < keywords; k++) {
            switch (r.nextInt(16)) {
                case 0 -> s.set("type", pick(r, F.textNode("string"), F.textNode("integer"), F.textNode("number"),
                        F.textNode("boolean"), F.textNode("null"), F.textNode("object"), F.textNode("array"),
                        F.textNode("int"), F.numberNode(5), types(r)));
                case 1 -> s.set("properties", depth > 2 ? F.objectNode() : properties(r, depth));
                case 2 -> s.set("required", pick(r, F.arrayNode().add("a").add("b"), F.textNode("a"),
                        F.arrayNode().add(3), F.arrayNode()));
                case 3 -> s.set("items", depth > 2 ? F.objectNode() : pick(r, schema(r, depth + 1, false), F.numberNode(5),
                        F.booleanNode(true), F.arrayNode().add(schema(r, depth + 1, false))));
                case 4 -> s.set(pick(r, "anyOf", "oneOf", "allOf"), depth > 2 ? F.arrayNode().add(F.objectNode())
                        : pick(r, F.arrayNode().add(schema(r, depth + 1, false)).add(schema(r, depth + 1, false)),
                        F.objectNode(), F.arrayNode(), F.arrayNode().add(7)));
                case 5 -> s.set("enum", pick(r, F.arrayNode().add("x").add(1).add(F.nullNode()), F.textNode("x"),
                        F.arrayNode().add(F.objectNode().put("a", 1))));
                case 6 -> s.set("const", pick(r, F.textNode("日本\"\\"), F.numberNode(1.5), F.arrayNode().add(true)));
                case 7 -> s.set(pick(r, "minLength", "maxLength", "minItems", "maxItems"), pick(r, F.numberNode(2),
                        F.numberNode(0), F.textNode("3"), F.numberNode(-1), F.numberNode(2.5), F.numberNode(40)));
                case 8 -> s.set(pick(r, "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"), pick(r,
                        F.numberNode(-5), F.numberNode(10), F.numberNode(2.5), F.textNode("a"), F.numberNode(1L << 40)));
                case 9 -> s.set("pattern", r.nextBoolean() ? F.textNode(randomPattern(r)) : pick(r, F.textNode("^[a-z]{2,4}$"), F.textNode("^(ab|cd)+$"), F.textNode("abc"),
                        F.textNode("^a{x}$"), F.textNode("^(ab$"), F.textNode("^[a-$"), F.textNode("^\\d{3}-\\d{2}$"),
                        F.textNode("^a{2}b{,3}c{1,}$"), F.textNode("^.*$"), F.numberNode(3), F.textNode("^(?:a)$"),
                        F.textNode("^(?=a)a$"), F.textNode("^*$"), F.textNode("^+a$"), F.textNode("^{2}$"),
                        F.textNode("^(a|+b)$"), F.textNode("^[a-z]+(-[a-z]+)*$"), F.textNode("^a?b*c+$"),
                        F.textNode("^\\(x\\)$"), F.textNode("^(a(b)?)+$"), F.textNode("^[^\"]{1,8}$")));
                case 10 -> s.set("format", pick(r, F.textNode("date"), F.textNode("uuid"), F.textNode("date-time"),
                        F.textNode("time"), F.textNode("weird"), F.numberNode(1)));
                case 11 -> s.set("additionalProperties", depth > 2 ? F.booleanNode(false)
                        : pick(r, F.booleanNode(false), F.booleanNode(true), schema(r, depth + 1, false), F.numberNode(1)));
                case 12 -> {
                    if (root) {
                        ObjectNode defs = s.putObject(pick(r, "$defs", "definitions"));
                        defs.set("a", schema(r, depth + 1, false));
                    }
                    s.set("$ref", pick(r, F.textNode("#/$defs/a"), F.textNode("#/definitions/a"), F.textNode("#/nowhere"),
                            F.textNode("#/properties"), F.textNode("#"), F.textNode("other.json"), F.numberNode(1)));
                }
                case 13 -> s.set("description", F.textNode("a field"));
                case 14 -> s.set("prefixItems", depth > 2 ? F.arrayNode().add(F.objectNode())
                        : pick(r, F.arrayNode().add(schema(r, depth + 1, false)), F.objectNode()));
                default -> s.set("type", F.textNode("object"));
            }
        }
        return s;
    }

    /** A regular expression made of random pieces, anchored or not: most are valid, many are not. */
    static String randomPattern(Random r) {
        String[] pieces = {"a", "b", "日", ".", "*", "+", "?", "(", ")", "|", "[a-z]", "[^a]", "[", "]", "{2}", "{1,3}",
            "{,2}", "{2,}", "{x}", "{", "}", "\\d", "\\.", "\\", "(?:", "(?=", "\"", " "};
        StringBuilder p = new StringBuilder(r.nextInt(8) == 0 ? "" : "^");
        for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
            p.append(pieces[r.nextInt(pieces.length)]);
        }
        return p.append(r.nextInt(8) == 0 ? "" : "$").toString();
    }

    private static ArrayNode types(Random r) {
        ArrayNode types = F.arrayNode().add("string").add(r.nextBoolean() ? "null" : "nothing");
        return r.nextInt(4) == 0 ? F.arrayNode() : types;
    }

    private static JsonNode properties(Random r, int depth) {
        if (r.nextInt(10) == 0) {
            return F.arrayNode();
        }
        ObjectNode properties = F.objectNode();
        for (int i = 0; i < 1 + r.nextInt(3); i++) {
            properties.set(pick(r, "a", "b", "c", "name", "日付", "with space", "q\"uote"),
                    r.nextInt(12) == 0 ? F.booleanNode(true) : schema(r, depth + 1, false));
        }
        return properties;
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }
}
