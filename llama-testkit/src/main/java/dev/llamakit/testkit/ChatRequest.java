package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Set;

/**
 * A validated chat-completion request: the fields the server uses.
 *
 * @param model        the model id
 * @param messages     the {@code messages} array (non-empty)
 * @param stream       whether the reply is streamed
 * @param includeUsage OpenAI dialect: {@code stream_options.include_usage}
 * @param maxTokens    {@code max_completion_tokens}, else {@code max_tokens}, else {@code null}
 */
record ChatRequest(String model, JsonNode messages, boolean stream, boolean includeUsage, Long maxTokens) {

    private static final Set<String> NATIVE_ROLES = Set.of("system", "user", "assistant", "tool");
    private static final Set<String> OPENAI_ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    /**
     * Validates a chat body in the server's order: {@code model} and {@code messages} present (400),
     * model known (404), each message's role and a {@code tool} message's {@code tool_call_id} (400),
     * {@code max_completion_tokens}/{@code max_tokens} and {@code stream} types (400), and finally
     * quirk Q1: {@code stream: true} needs an {@code Accept} header other than missing or {@code *}{@code /*} (400).
     */
    static ChatRequest validate(JsonNode body, RecordedRequest request, ServerSettings settings, Dialect dialect) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ApiError.badRequest("missing_required_field", "'model' is required");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiError.badRequest("invalid_field", "'model' must be a non-empty string");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiError.badRequest("missing_required_field", "'messages' is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("invalid_field", "'messages' must be a non-empty array of messages");
        }
        String modelId = model.asText();
        if (!settings.models().contains(modelId)) {
            throw ApiError.notFound("model_not_found", "The model '" + modelId
                    + "' does not exist or is not served here; available models: " + settings.models());
        }
        checkMessages(messages, dialect == Dialect.OPENAI ? OPENAI_ROLES : NATIVE_ROLES);
        Long maxTokens = maxTokens(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = maxTokens(body, "max_tokens");
        }
        JsonNode streamNode = body.get("stream");
        if (streamNode != null && !streamNode.isNull() && !streamNode.isBoolean()) {
            throw ApiError.badRequest("invalid_field", "'stream' must be a boolean");
        }
        boolean stream = streamNode != null && streamNode.asBoolean(false);
        if (stream && !acceptsStream(request.header("Accept"))) {
            throw ApiError.badRequest("invalid_accept_header", "Streaming requests ('stream': true) need an Accept "
                    + "header such as 'text/event-stream' or 'application/json'; a missing Accept header or "
                    + "'*/*' is rejected");
        }
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        return new ChatRequest(modelId, messages, stream, includeUsage, maxTokens);
    }

    private static void checkMessages(JsonNode messages, Set<String> roles) {
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw ApiError.badRequest("invalid_field", "'messages[" + i + "]' must be an object");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual() || !roles.contains(role.asText())) {
                throw ApiError.badRequest("invalid_field", "'messages[" + i + "].role' must be one of "
                        + roles.stream().sorted().toList());
            }
            if (role.asText().equals("tool")) {
                JsonNode id = message.get("tool_call_id");
                if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                    throw ApiError.badRequest("missing_required_field",
                            "'messages[" + i + "].tool_call_id' is required for messages with role 'tool'");
                }
            }
        }
    }

    private static Long maxTokens(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToExactIntegral() || node.asLong() < 1) {
            throw ApiError.badRequest("invalid_field", "'" + field + "' must be an integer >= 1");
        }
        return node.asLong();
    }

    /** Q1: a missing or blank {@code Accept}, or one that offers only {@code *}{@code /*}, is rejected. */
    static boolean acceptsStream(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        for (String range : accept.split(",")) {
            String mediaType = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!mediaType.isEmpty() && !mediaType.equals("*/*")) {
                return true;
            }
        }
        return false;
    }
}
