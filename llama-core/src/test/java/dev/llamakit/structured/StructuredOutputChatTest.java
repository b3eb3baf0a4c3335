package dev.llamakit.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.ToolCallSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link StructuredOutput#chat} against the test server, in both dialects. */
class StructuredOutputChatTest {
    static final String KEY = "llama-test-key-structured";
    static final String MODEL = "Llama-3.3-70B-Instruct";

    enum Continent { EUROPE, ASIA }

    record City(String name, int population) {
    }

    record Capital(String country, City city, Continent continent, List<String> languages, Optional<String> motto) {
    }

    static final String REPLY = """
            {"country":"France","city":{"name":"Paris","population":2102650},"continent":"EUROPE",
             "languages":["French"]}""";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private LlamaClient client(Dialect dialect) {
        String url = dialect == Dialect.LLAMA ? extension.server().baseUrl() : extension.server().compatBaseUrl();
        return LlamaClient.builder().dialect(dialect).baseUrl(url).apiKey(KEY).build();
    }

    private static ChatRequest request() {
        return ChatRequest.builder().model(MODEL).addMessage(Message.user("The capital of France, as JSON.")).build();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void sendsTheDerivedSchemaAndReadsTheReply(Dialect dialect) throws Exception {
        extension.server().enqueue(ScriptedReply.text(REPLY));

        Capital capital = StructuredOutput.chat(client(dialect), request(), Capital.class);

        assertThat(capital).isEqualTo(new Capital("France", new City("Paris", 2102650), Continent.EUROPE,
                List.of("French"), Optional.empty()));
        JsonNode format = extension.server().takeRequest().json().get("response_format");
        assertThat(format.get("type").asText()).isEqualTo("json_schema");
        JsonNode jsonSchema = format.get("json_schema");
        assertThat(jsonSchema.get("name").asText()).isEqualTo("Capital");
        assertThat(jsonSchema.get("strict").asBoolean()).isTrue();
        assertThat(jsonSchema.get("schema")).isEqualTo(new ObjectMapper().readTree(JsonSchemas.of(Capital.class)));
        assertThat(jsonSchema.get("schema").get("required").toString())
                .isEqualTo("[\"country\",\"city\",\"continent\",\"languages\"]");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void readsAFencedReply(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.text("```json\n" + REPLY + "\n```"));
        assertThat(StructuredOutput.chat(client(dialect), request(), Capital.class).city().name()).isEqualTo("Paris");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void keepsAResponseFormatTheRequestHas(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.text(REPLY));
        ChatRequest request = request().toBuilder()
                .responseFormat(ResponseFormat.jsonSchema("custom", "{\"type\":\"object\"}")).build();

        StructuredOutput.chat(client(dialect), request, Capital.class);

        JsonNode jsonSchema = extension.server().takeRequest().json().get("response_format").get("json_schema");
        assertThat(jsonSchema.get("name").asText()).isEqualTo("custom");
        assertThat(jsonSchema.get("schema").toString()).isEqualTo("{\"type\":\"object\"}");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void invalidJsonFailsWithTheRawText(Dialect dialect) {
        String text = "The capital of France is Paris.";
        extension.server().enqueue(ScriptedReply.text(text));
        assertThatThrownBy(() -> StructuredOutput.chat(client(dialect), request(), Capital.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON: Unrecognized token 'The'")
                .satisfies(e -> assertThat(((StructuredOutputException) e).rawText()).isEqualTo(text));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aSchemaMismatchNamesTheField(Dialect dialect) {
        String text = REPLY.replace("2102650", "\"about two million\"").replace("EUROPE", "Europe");
        extension.server().enqueue(ScriptedReply.text(text));
        assertThatThrownBy(() -> StructuredOutput.chat(client(dialect), request(), Capital.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessage("the reply does not match Capital: $.city.population: expected integer, got string "
                        + "\"about two million\"; $.continent: expected one of [EUROPE, ASIA], got string \"Europe\"")
                .satisfies(e -> assertThat(((StructuredOutputException) e).rawText()).isEqualTo(text));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void saysWhenTheReplyWasCutOff(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.text("{\"country\":\"Fra").withStopReason("length"));
        assertThatThrownBy(() -> StructuredOutput.chat(client(dialect), request(), Capital.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessageStartingWith("the reply is not valid JSON")
                .hasMessageEndingWith("(the reply was cut off at the token limit: stop reason 'length'; raise maxCompletionTokens)");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void toolCallsInsteadOfJsonFail(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("c1", "lookup", "{}")));
        assertThatThrownBy(() -> StructuredOutput.chat(client(dialect), request(), Capital.class))
                .isInstanceOf(StructuredOutputException.class)
                .hasMessage("the model called tools instead of answering with JSON");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anUnsupportedTypeFailsBeforeAnyRequest(Dialect dialect) {
        record Bad(Object anything) {
        }
        assertThatThrownBy(() -> StructuredOutput.chat(client(dialect), request(), Bad.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Bad.anything: type java.lang.Object is not supported");
        assertThat(extension.server().requestCount()).isZero();
    }
}
