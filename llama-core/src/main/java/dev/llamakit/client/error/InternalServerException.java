package dev.llamakit.client.error;

/** The server failed (5xx); retried by default. */
public class InternalServerException extends LlamaApiException {
    public InternalServerException(int status, String requestId, String serverMessage, String body) {
        super(status, requestId, serverMessage, body);
    }
}
