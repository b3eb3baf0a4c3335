package dev.llamakit.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;

/**
 * The checks every rendered request passes before its endpoint sees it, in the server's order:
 * authentication (401), route (404) and method (405), then for POST the content type (400) and
 * the JSON body (400).
 */
final class RequestChecks {

    private RequestChecks() {
    }

    /** 401 unless the request carries an acceptable {@code Authorization: Bearer} token. Never echoes the token. */
    static void authenticate(RecordedRequest request, ServerSettings settings) {
        if (!settings.requireApiKey()) {
            return;
        }
        String authorization = request.header("Authorization");
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("missing_api_key",
                    "Missing API key: send the header 'Authorization: Bearer <LLAMA_API_KEY>'");
        }
        String trimmed = authorization.trim();
        if (trimmed.length() < 7 || !trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("invalid_authorization_header",
                    "Malformed Authorization header: expected the scheme 'Bearer' followed by the API key");
        }
        String token = trimmed.substring(7).trim();
        if (token.isEmpty()) {
            throw unauthorized("missing_api_key", "Missing API key after 'Bearer'");
        }
        if (settings.apiKey() != null && !MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), settings.apiKey().getBytes(StandardCharsets.UTF_8))) {
            throw unauthorized("invalid_api_key", "Invalid API key: the presented key is not valid for this server");
        }
    }

    private static ApiError unauthorized(String code, String message) {
        return new ApiError(401, code, message, Map.of("WWW-Authenticate", "Bearer"));
    }

    /** 404 for unknown paths, 405 (with {@code Allow}) for a known path with the wrong method. */
    static void route(RecordedRequest request, Route route) {
        if (route.endpoint() == Route.Endpoint.UNKNOWN) {
            throw ApiError.notFound("not_found", "No such endpoint: " + request.method() + " " + request.path()
                    + " (this server serves /v1 and /compat/v1: chat/completions, models, models/{id}, moderations)");
        }
        String allowed = route.endpoint().method();
        if (!allowed.equals(request.method())) {
            throw new ApiError(405, "method_not_allowed", "Method " + request.method() + " is not allowed on "
                    + request.path() + "; use " + allowed, Map.of("Allow", allowed));
        }
    }

    /**
     * For a POST: 400 unless the content type is {@code application/json} (parameters such as
     * {@code charset} allowed) and the body is one JSON object. Returns that object.
     */
    static JsonNode jsonBody(RecordedRequest request) {
        String contentType = request.header("Content-Type");
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw ApiError.badRequest("invalid_content_type", contentType == null
                    ? "Missing Content-Type: request bodies must be sent as 'application/json'"
                    : "Unsupported Content-Type '" + contentType + "': request bodies must be 'application/json'");
        }
        JsonNode body;
        try {
            body = Json.parse(request.body());
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("invalid_json", "Request body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (!body.isObject()) {
            throw ApiError.badRequest("invalid_json", "Request body must be a JSON object, got " + kind(body));
        }
        return body;
    }

    static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
