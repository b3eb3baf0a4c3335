package dev.llamakit.client.error;

/**
 * The server reported an error inside a stream that had started with status 200: a bare JSON error line
 * (as the Llama API sends), an {@code event: error}, or a chunk with an {@code error} object.
 */
public class StreamErrorException extends LlamaException {
    private final String rawJson;

    public StreamErrorException(String message, String rawJson) {
        super(message);
        this.rawJson = rawJson;
    }

    /** The error object as received. */
    public String rawJson() {
        return rawJson;
    }
}
