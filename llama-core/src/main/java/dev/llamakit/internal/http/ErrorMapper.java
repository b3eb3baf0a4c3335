package dev.llamakit.internal.http;

import dev.llamakit.client.error.AuthenticationException;
import dev.llamakit.client.error.BadRequestException;
import dev.llamakit.client.error.ConflictException;
import dev.llamakit.client.error.InternalServerException;
import dev.llamakit.client.error.LlamaApiException;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.client.error.PermissionDeniedException;
import dev.llamakit.client.error.RateLimitException;
import dev.llamakit.client.error.UnprocessableEntityException;
import dev.llamakit.internal.json.ErrorMessages;
import java.time.Duration;

/** Turns an error response into a typed exception, with the server's message ({@link ErrorMessages}). Internal. */
final class ErrorMapper {
    private static final int MAX_MESSAGE_CHARS = 500;

    private ErrorMapper() {
    }

    static LlamaApiException toException(int status, String requestId, String body, Duration retryAfter) {
        String message = serverMessage(status, body);
        switch (status) {
            case 400:
                return new BadRequestException(status, requestId, message, body);
            case 401:
                return new AuthenticationException(status, requestId, message, body);
            case 403:
                return new PermissionDeniedException(status, requestId, message, body);
            case 404:
                return new NotFoundException(status, requestId, message, body);
            case 409:
                return new ConflictException(status, requestId, message, body);
            case 422:
                return new UnprocessableEntityException(status, requestId, message, body);
            case 429:
                return new RateLimitException(status, requestId, message, body, retryAfter);
            default:
                return status >= 500
                        ? new InternalServerException(status, requestId, message, body)
                        : new LlamaApiException(status, requestId, message, body);
        }
    }

    static String serverMessage(int status, String body) {
        String found = ErrorMessages.fromBody(body);
        if (found == null || found.isBlank()) {
            return defaultMessage(status);
        }
        return found.length() > MAX_MESSAGE_CHARS ? found.substring(0, MAX_MESSAGE_CHARS) + "..." : found;
    }

    private static String defaultMessage(int status) {
        switch (status) {
            case 400: return "bad request";
            case 401: return "authentication failed: check your API key (LLAMA_API_KEY)";
            case 403: return "permission denied";
            case 404: return "not found";
            case 408: return "request timeout";
            case 409: return "conflict";
            case 422: return "unprocessable entity";
            case 429: return "rate limited";
            default: return status >= 500 ? "server error" : "unexpected status";
        }
    }
}
