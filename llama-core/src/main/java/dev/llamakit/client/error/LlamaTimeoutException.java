package dev.llamakit.client.error;

/** An attempt did not complete within its timeout (connect or request). Retried by default. */
public class LlamaTimeoutException extends LlamaConnectionException {
    public LlamaTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
