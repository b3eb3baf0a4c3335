package dev.llamakit.client.error;

/** The path or the model does not exist (404). */
public class NotFoundException extends LlamaApiException {
    public NotFoundException(int status, String requestId, String serverMessage, String body) {
        super(status, requestId, serverMessage, body);
    }
}
