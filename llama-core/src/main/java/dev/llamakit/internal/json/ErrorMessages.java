package dev.llamakit.internal.json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a server's error message from the shapes seen in practice: {@code {"error": {"message": ...}}},
 * {@code {"error": "..."}}, RFC 9457 {@code {"title", "detail", "status"}}, {@code {"message": ...}}, or plain
 * text. Internal.
 */
public final class ErrorMessages {
    private ErrorMessages() {
    }

    /** The message in {@code body}, or {@code null} when the body is empty. */
    public static String fromBody(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return body.trim();
        }
        if (root == null || !root.isObject()) {
            return body.trim();
        }
        JsonNode error = root.get("error");
        if (error != null) {
            if (error.isTextual()) {
                return error.asText();
            }
            String nested = Json.text(error, "message");
            if (nested != null) {
                return nested;
            }
        }
        String title = Json.text(root, "title");
        String detail = Json.text(root, "detail");
        if (title != null && detail != null) {
            return title + ": " + detail;
        }
        if (detail != null) {
            return detail;
        }
        if (title != null) {
            return title;
        }
        String message = Json.text(root, "message");
        return message != null ? message : root.toString();
    }
}
