package dev.llamakit.client.error;

/** The server could not be reached, or the connection broke before a complete response arrived. */
public class LlamaConnectionException extends LlamaException {
    public LlamaConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
