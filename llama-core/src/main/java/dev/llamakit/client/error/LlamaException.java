package dev.llamakit.client.error;

/** The root of every llamakit failure. Unchecked. Messages never contain the API key. */
public class LlamaException extends RuntimeException {
    public LlamaException(String message) {
        super(message);
    }

    public LlamaException(String message, Throwable cause) {
        super(message, cause);
    }
}
