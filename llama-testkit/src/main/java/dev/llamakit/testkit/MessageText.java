package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Extracts the plain text of a message's {@code content}: a string, one {@code {"type":"text"}}
 * item, or an array of strings and items (text items joined with a space; images ignored).
 */
final class MessageText {

    private MessageText() {
    }

    static String of(JsonNode content) {
        if (content == null || content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isObject()) {
            return itemText(content);
        }
        if (content.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode item : content) {
                String text = item.isTextual() ? item.asText() : itemText(item);
                if (!text.isEmpty()) {
                    parts.add(text);
                }
            }
            return String.join(" ", parts);
        }
        return "";
    }

    private static String itemText(JsonNode item) {
        return "text".equals(item.path("type").asText()) ? item.path("text").asText("") : "";
    }

    /** The text of the last {@code user} message, trimmed; empty if there is none. */
    static String lastUserText(JsonNode messages) {
        String last = "";
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) {
                last = of(message.get("content")).strip();
            }
        }
        return last;
    }
}
