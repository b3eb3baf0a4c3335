package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders error bodies in an {@link ErrorShape}. The {@code type} of an {@link ErrorShape#ERROR_OBJECT}
 * follows the status (OpenAI-style names); the real API's values are undocumented.
 */
final class ErrorBodies {

    private ErrorBodies() {
    }

    static String render(ErrorShape shape, int status, String code, String message) {
        ObjectNode root = Json.object();
        if (shape == ErrorShape.PROBLEM) {
            root.put("title", reason(status));
            root.put("detail", message);
            root.put("status", status);
        } else {
            ObjectNode error = root.putObject("error");
            error.put("message", message);
            error.put("type", type(status));
            error.put("code", code);
        }
        return Json.write(root);
    }

    /** The body of a scripted {@code status(n)} reply without an explicit body. */
    static String scripted(ErrorShape shape, int status) {
        return render(shape, status, defaultCode(status), reason(status) + " (scripted reply)");
    }

    static String type(int status) {
        return switch (status) {
            case 400, 405, 415 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408 -> "timeout_error";
            case 409 -> "conflict_error";
            case 422 -> "unprocessable_entity_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "api_error";
        };
    }

    private static String defaultCode(int status) {
        return switch (status) {
            case 429 -> "rate_limit_exceeded";
            case 401 -> "invalid_api_key";
            case 404 -> "not_found";
            default -> status >= 500 ? "server_error" : "http_" + status;
        };
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Entity";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }
}
