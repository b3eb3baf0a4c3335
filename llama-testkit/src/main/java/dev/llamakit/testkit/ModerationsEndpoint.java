package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST {prefix}/moderations}. Native: {@code {messages, model?}} → one result with
 * {@code flagged_categories} for all message texts together. OpenAI: {@code {input, model?}} →
 * one result per input string with {@code categories} and {@code category_scores} (1.0 or 0.0).
 * The model must be {@code Llama-Guard} (the default) or start with it, else 404.
 */
final class ModerationsEndpoint {

    private final AtomicLong ids = new AtomicLong();

    void serve(ApiExchange exchange, JsonNode body, ScriptedReply scripted) throws IOException {
        String model = model(body);
        List<String> inputs = exchange.dialect() == Dialect.LLAMA ? nativeInputs(body) : openAiInputs(body);
        List<List<String>> flagged = new ArrayList<>();
        for (String input : inputs) {
            flagged.add(scripted != null ? scripted.categories() : ModerationClassifier.classify(input));
        }
        ObjectNode root = Json.object();
        if (exchange.dialect() == Dialect.LLAMA) {
            root.put("model", model);
            ObjectNode result = root.putArray("results").addObject();
            result.put("flagged", !flagged.get(0).isEmpty());
            ArrayNode categories = result.putArray("flagged_categories");
            flagged.get(0).forEach(categories::add);
        } else {
            root.put("id", "modr-" + ids.incrementAndGet());
            root.put("model", model);
            ArrayNode results = root.putArray("results");
            for (List<String> categories : flagged) {
                ObjectNode result = results.addObject();
                result.put("flagged", !categories.isEmpty());
                ObjectNode flags = result.putObject("categories");
                ObjectNode scores = result.putObject("category_scores");
                for (String category : ModerationClassifier.CATEGORIES) {
                    flags.put(category, categories.contains(category));
                    scores.put(category, categories.contains(category) ? 1.0 : 0.0);
                }
                for (String category : categories) { // scripted categories outside the taxonomy
                    if (!flags.has(category)) {
                        flags.put(category, true);
                        scores.put(category, 1.0);
                    }
                }
            }
        }
        exchange.sendJson(200, root);
    }

    private static String model(JsonNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            return ServerSettings.GUARD_MODEL;
        }
        if (!model.isTextual() || !model.asText().startsWith(ServerSettings.GUARD_MODEL)) {
            throw ApiError.notFound("model_not_found", "The moderation model '" + model.asText()
                    + "' does not exist; use '" + ServerSettings.GUARD_MODEL + "' (the default)");
        }
        return model.asText();
    }

    /** All message texts joined: native moderation classifies the conversation as a whole. */
    private static List<String> nativeInputs(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiError.badRequest("missing_required_field", "'messages' is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("invalid_field", "'messages' must be a non-empty array of messages");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw ApiError.badRequest("invalid_field", "'messages[" + i + "]' must be an object with a 'role'");
            }
            texts.add(MessageText.of(message.get("content")));
        }
        return List.of(String.join("\n", texts));
    }

    /** {@code input}: a string, or an array of strings and {@code {"type":"text","text":…}} items. */
    private static List<String> openAiInputs(JsonNode body) {
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw ApiError.badRequest("missing_required_field", "'input' is required");
        }
        if (input.isTextual()) {
            return List.of(input.asText());
        }
        if (input.isArray() && !input.isEmpty()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode item : input) {
                if (!item.isTextual() && !item.isObject()) {
                    throw ApiError.badRequest("invalid_field", "'input' items must be strings or text objects");
                }
                texts.add(MessageText.of(item));
            }
            return texts;
        }
        throw ApiError.badRequest("invalid_field", "'input' must be a string or a non-empty array of strings");
    }
}
