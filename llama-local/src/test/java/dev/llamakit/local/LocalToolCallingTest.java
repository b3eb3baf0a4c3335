package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.testkit.SyntheticGgufModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalToolCallingTest {
    /** A tool-aware template: the tools go into the system turn, as Llama 3.1's template does. */
    static final String TOOL_TEMPLATE = "{% if tools %}<|system|>\nTools: {% for t in tools %}{{ t['function']['name'] }} {% endfor %}</s>{% endif %}"
            + "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}</s>{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    static final List<ToolDefinition> TOOLS = List.of(ToolDefinition.builder("weather").description("the weather in a city")
            .parametersSchema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}").build());

    @TempDir
    Path dir;

    @Test
    void toolsReachTheTemplateAndAPlainReplyStaysText() throws Exception {
        try (LocalChatModel model = LocalChatModel.builder(SyntheticGgufModel.builder().chatTemplate(TOOL_TEMPLATE).build()
                .write(dir.resolve("m.gguf")))
                .contextSize(256).load()) {
            assertThat(model.render(List.of(Message.user("hi")), TOOLS)).startsWith("<|system|>\nTools: weather </s>").endsWith("<|user|>\nhi</s><|assistant|>\n");
            ChatRequest request = ChatRequest.builder().model("local").addMessage(Message.user("hi")).tools(TOOLS)
                    .maxCompletionTokens(5).extraBody("seed", 1).build();
            ChatResponse reply = model.chat(request);
            assertThat(reply.toolCalls()).isEmpty(); // random weights do not write a call
            assertThat(reply.stopReason()).isIn(StopReason.LENGTH, StopReason.STOP);
            assertThat(model.stream(request).collect().text()).isEqualTo(reply.text());
        }
    }

    @Test
    void llama31ToolCallsAreRead() {
        assertThat(ToolCallParser.parse("{\"name\": \"weather\", \"parameters\": {\"city\": \"Paris\"}}", TOOLS))
                .containsExactly(new ToolCall("call_0", "weather", "{\"city\":\"Paris\"}"));
        assertThat(ToolCallParser.parse("<|python_tag|>{\"name\": \"weather\", \"arguments\": {\"city\": \"Oslo\"}}; "
                + "{\"name\": \"weather\", \"parameters\": {\"city\": \"Rome\"}}", TOOLS))
                .extracting(ToolCall::arguments).containsExactly("{\"city\":\"Oslo\"}", "{\"city\":\"Rome\"}");
        assertThat(ToolCallParser.parse("{\"tool_call\": {\"name\": \"weather\", \"arguments\": {\"city\": \"Bern\"}}}", TOOLS))
                .extracting(ToolCall::name).containsExactly("weather");
    }

    @Test
    void anythingElseIsText() {
        assertThat(ToolCallParser.parse("The weather is fine.", TOOLS)).isEmpty();
        assertThat(ToolCallParser.parse("{\"name\": \"unknown\", \"parameters\": {}}", TOOLS)).isEmpty();
        assertThat(ToolCallParser.parse("{\"answer\": 42}", TOOLS)).isEmpty();
        assertThat(ToolCallParser.parse("{\"name\": \"weather\", \"parameters\": {", TOOLS)).isEmpty();
    }
}
