package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.testkit.SyntheticGgufModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates that raise exceptions, rendered by llama.cpp: before the conversation was shaped, each of these requests
 * ended the JVM (llama.cpp's template engine throws a C++ exception that aborts the process).
 */
class TemplateConstraintsTest {
    /** Llama 2's and Mistral's check: user and assistant turns alternate after an optional system message. */
    static final String ALTERNATING = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
            + "[SYS]{{ messages[0]['content'] }}[/SYS]{% else %}{% set loop_messages = messages %}{% endif %}"
            + "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
            + "[{{ message['role'] }}]{{ message['content'] }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}";
    /**
     * Llama 3.1's check, one tool call per assistant message, in a template llama.cpp reads as a Llama 3.x one (it
     * has the {@code ipython} header), so that the calls reach the template as calls.
     */
    static final String SINGLE_CALLS = "{% if tools %}[tools]{% endif %}{% for message in messages %}"
            + "{% if 'tool_calls' in message and message['tool_calls'] %}{% if message['tool_calls']|length != 1 %}"
            + "{{ raise_exception('This model only supports single tool-calls at once!') }}{% endif %}"
            + "[call]{{ message['tool_calls'][0]['function']['name'] }}{{ message['tool_calls'][0]['function']['arguments'] | tojson }}"
            + "{% elif message['role'] == 'tool' or message['role'] == 'ipython' %}"
            + "<|start_header_id|>ipython<|end_header_id|>{{ message['content'] }}"
            + "{% else %}[{{ message['role'] }}]{{ message['content'] }}{% endif %}"
            + "{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}";

    @TempDir
    Path dir;

    @Test
    void aConversationThatDoesNotAlternateIsJoinedIntoTurns() throws Exception {
        try (LocalChatModel model = LocalChatModel.builder(SyntheticGgufModel.builder().chatTemplate(null).build().write(dir.resolve("a.gguf")))
                .chatTemplate(ALTERNATING).contextSize(512).load()) {
            List<Message> messages = List.of(Message.system("Be brief."), Message.user("Context: a"), Message.user("Q1"),
                    AssistantMessage.of("A1"), AssistantMessage.of("A1b"), Message.system("Summary: b"), Message.user("Q2"));
            assertThat(model.render(messages, List.of())).isEqualTo(
                    "[SYS]Be brief.[/SYS][user]Context: a\n\nQ1[assistant]A1\n\nA1b[user]Summary: b\n\nQ2[assistant]");
            ChatRequest request = ChatRequest.builder().model("local").messages(messages).maxCompletionTokens(3).build();
            assertThat(model.chat(request).usage().orElseThrow().promptTokens()).isEqualTo(model.tokenCounter().count(messages));
            assertThatThrownBy(() -> model.render(List.of(AssistantMessage.of("Hello"), Message.user("hi")), List.of()))
                    .isInstanceOf(LocalModelException.class).hasMessageContaining("start with a user message");
        }
    }

    @Test
    void severalToolCallsBecomeOneMessagePerCallEachWithItsResult() throws Exception {
        try (LocalChatModel model = LocalChatModel.builder(SyntheticGgufModel.builder().chatTemplate(null).build().write(dir.resolve("t.gguf")))
                .chatTemplate(SINGLE_CALLS).contextSize(512).load()) {
            List<Message> messages = List.of(Message.user("Weather in Oslo and Rome?"),
                    new AssistantMessage("", List.of(new ToolCall("1", "weather", "{\"city\":\"Oslo\"}"),
                            new ToolCall("2", "clock", "{\"zone\":\"CET\"}")), StopReason.TOOL_CALLS),
                    new ToolMessage("2", "12:00"), new ToolMessage("1", "sunny"));
            assertThat(model.render(messages, LocalForcedToolCallTest.TOOLS)).endsWith("[user]Weather in Oslo and Rome?"
                    + "[call]weather{\"city\": \"Oslo\"}<|start_header_id|>ipython<|end_header_id|>sunny"
                    + "[call]clock{\"zone\": \"CET\"}<|start_header_id|>ipython<|end_header_id|>12:00[assistant]");
        }
    }

    @Test
    void otherTemplatesGetTheConversationUnchanged() {
        List<Message> messages = List.of(Message.user("a"), Message.user("b"),
                new AssistantMessage("", List.of(new ToolCall("1", "x", "{}"), new ToolCall("2", "y", "{}")), StopReason.TOOL_CALLS));
        assertThat(new TemplateConstraints(SyntheticGgufModel.LLAMA3_LIKE_TEMPLATE).fit(messages)).isEqualTo(messages);
    }
}
