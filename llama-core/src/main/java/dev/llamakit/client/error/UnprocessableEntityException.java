package dev.llamakit.client.error;

/** The request was well-formed but invalid (422). */
public class UnprocessableEntityException extends LlamaApiException {
    public UnprocessableEntityException(int status, String requestId, String serverMessage, String body) {
        super(status, requestId, serverMessage, body);
    }
}
