package dev.llamakit.structured;

import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.StopReason;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import java.util.Objects;

/**
 * Typed replies: asks the model for JSON following a record's schema and reads the reply as that record.
 *
 * <pre>{@code
 * record Capital(String country, String city, int population) {}
 *
 * Capital capital = StructuredOutput.chat(client, ChatRequest.builder()
 *     .model("Llama-3.3-70B-Instruct")
 *     .addMessage(Message.user("The capital of France, as JSON."))
 *     .build(), Capital.class);
 * }</pre>
 *
 * <p>Reading is strict: the reply must be one JSON value (optionally inside a single {@code ```json} fenced
 * block, as models often write it) that matches the schema of {@link JsonSchemas#of(Class)}; unknown properties,
 * missing required ones, {@code null} for a required property, wrong types and unknown enum values all fail with
 * a {@link StructuredOutputException} naming the property's path. Properties of {@code Optional} components may
 * be missing or {@code null}.
 */
public final class StructuredOutput {
    private StructuredOutput() {
    }

    /**
     * Sends {@code request} and reads the reply as {@code type}. When the request has no response format, it is
     * sent with {@code ResponseFormat.jsonSchema(type.getSimpleName(), JsonSchemas.of(type), true)}; a format the
     * request already has is kept.
     *
     * @throws IllegalArgumentException when {@code type} is not a record with a schema mapping
     * @throws StructuredOutputException when the reply is not JSON of that type
     * @throws dev.llamakit.client.error.LlamaException when the model call fails
     */
    public static <T> T chat(ChatModel model, ChatRequest request, Class<T> type) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(type, "type");
        String schema = JsonSchemas.of(type);
        ChatRequest sent = request.responseFormat().isPresent() ? request
                : request.toBuilder().responseFormat(ResponseFormat.jsonSchema(type.getSimpleName(), schema, true)).build();
        ChatResponse response = model.chat(sent);
        if (response.text().isBlank() && !response.toolCalls().isEmpty()) {
            throw new StructuredOutputException("the model called tools instead of answering with JSON", response.text(), null);
        }
        try {
            return ReplyParser.parse(response.text(), type);
        } catch (StructuredOutputException e) {
            if (response.stopReason() != StopReason.LENGTH) {
                throw e;
            }
            throw new StructuredOutputException(e.getMessage() + " (the reply was cut off at the token limit: "
                    + "stop reason 'length'; raise maxCompletionTokens)", e.rawText(), e.getCause());
        }
    }

    /**
     * Reads {@code text} (a JSON value, optionally inside a single {@code ```json} fenced block) as {@code type}.
     *
     * @throws IllegalArgumentException when {@code type} is not a record with a schema mapping
     * @throws StructuredOutputException when the text is not JSON of that type
     */
    public static <T> T parse(String text, Class<T> type) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(type, "type");
        return ReplyParser.parse(text, type);
    }
}
