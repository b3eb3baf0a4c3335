package dev.llamakit.client.error;

/** The API key is missing or invalid (401). */
public class AuthenticationException extends LlamaApiException {
    public AuthenticationException(int status, String requestId, String serverMessage, String body) {
        super(status, requestId, serverMessage, body);
    }
}
