package dev.llamakit.client.error;

/** The API key may not do this (403). */
public class PermissionDeniedException extends LlamaApiException {
    public PermissionDeniedException(int status, String requestId, String serverMessage, String body) {
        super(status, requestId, serverMessage, body);
    }
}
