package dev.llamakit.client.error;

/** The request was malformed or rejected (400). */
public class BadRequestException extends LlamaApiException {
    public BadRequestException(int status, String requestId, String serverMessage, String body) {
        super(status, requestId, serverMessage, body);
    }
}
