package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.ImagePart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestTest {

    @Test
    void needsAModelAndMessagesWithClearMessages() {
        assertThatThrownBy(() -> ChatRequest.builder().addMessage(Message.user("hi")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a model");
        assertThatThrownBy(() -> ChatRequest.builder().model("m").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one message");
        assertThatThrownBy(() -> Message.tool("", "result"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool_call_id");
        assertThatThrownBy(() -> ChatRequest.builder().model(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ChatRequest.builder().addMessage(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void leavesValueRangesToTheServer() {
        ChatRequest request = ChatRequest.builder().model("m").addMessage(Message.user("hi"))
                .temperature(1.7).topP(1.5).maxCompletionTokens(0).build();
        assertThat(request.temperature()).hasValue(1.7);
        assertThat(request.maxCompletionTokens()).hasValue(0);
    }

    @Test
    void isImmutableAndDerivable() {
        List<Message> messages = new ArrayList<>(List.of(Message.user("one")));
        ChatRequest request = ChatRequest.builder().model("m").messages(messages).build();
        messages.add(Message.user("two"));
        assertThat(request.messages()).hasSize(1);
        assertThatThrownBy(() -> request.messages().add(Message.user("x"))).isInstanceOf(UnsupportedOperationException.class);

        ChatRequest longer = request.toBuilder().addMessage(Message.user("two")).temperature(0.1).build();
        assertThat(longer.messages()).hasSize(2);
        assertThat(longer.temperature()).hasValue(0.1);
        assertThat(request.messages()).hasSize(1);
        assertThat(request.temperature()).isEmpty();
    }

    @Test
    void extraBodyCannotReplaceMappedFields() {
        assertThatThrownBy(() -> ChatRequest.builder().extraBody("messages", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messages");
        assertThatThrownBy(() -> ChatRequest.builder().extraBody("stream", true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toolAndSchemaDefinitionsAreValidated() {
        assertThatThrownBy(() -> ToolDefinition.builder("has space")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a-zA-Z0-9_-");
        assertThatThrownBy(() -> ToolDefinition.builder("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ToolDefinition.builder("f").parametersSchema("{not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ToolDefinition.builder("f").parametersSchema("[1]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("r", "42")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ToolDefinition.builder("f").parametersSchema("{ \"type\" : \"object\" }").build().parametersSchema())
                .contains("{\"type\":\"object\"}");
    }

    @Test
    void inlineImagesAreDataUrisAndPrintShort() {
        ImagePart image = ImagePart.ofBytes(new byte[10_000], "image/jpeg");
        assertThat(image.url()).startsWith("data:image/jpeg;base64,");
        assertThat(image.toString()).hasSizeLessThan(100);
        assertThatThrownBy(() -> ImagePart.ofBytes(new byte[1], "text/plain")).isInstanceOf(IllegalArgumentException.class);
    }
}
