package dev.llamakit.client.error;

/** The request conflicts with the server's state (409); retried by default. */
public class ConflictException extends LlamaApiException {
    public ConflictException(int status, String requestId, String serverMessage, String body) {
        super(status, requestId, serverMessage, body);
    }
}
