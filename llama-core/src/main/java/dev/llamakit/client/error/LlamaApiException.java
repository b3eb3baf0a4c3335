package dev.llamakit.client.error;

import java.util.Optional;

/**
 * The server answered with an error status. Subclasses name the common statuses; other statuses
 * (408, 405, 418, ...) arrive as this class. Carries the status, the request id, the server's message,
 * and the raw error body.
 */
public class LlamaApiException extends LlamaException {
    private final int status;
    private final String requestId;
    private final String serverMessage;
    private final String body;

    public LlamaApiException(int status, String requestId, String serverMessage, String body) {
        super(describe(status, requestId, serverMessage));
        this.status = status;
        this.requestId = requestId;
        this.serverMessage = serverMessage;
        this.body = body == null ? "" : body;
    }

    private static String describe(int status, String requestId, String serverMessage) {
        StringBuilder sb = new StringBuilder("HTTP ").append(status);
        if (serverMessage != null && !serverMessage.isBlank()) {
            sb.append(": ").append(serverMessage);
        }
        if (requestId != null) {
            sb.append(" (request id ").append(requestId).append(')');
        }
        return sb.toString();
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The server's request id, when it sent one. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The message the server gave, or a short description of the status when it gave none. */
    public String serverMessage() {
        return serverMessage;
    }

    /** The error body as received ({@code ""} when empty). */
    public String body() {
        return body;
    }
}
