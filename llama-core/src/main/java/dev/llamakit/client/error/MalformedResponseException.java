package dev.llamakit.client.error;

import java.util.Optional;

/** The server answered with a success status but a body that is not the expected JSON. Not retried. */
public class MalformedResponseException extends LlamaException {
    private final int status;
    private final String requestId;

    public MalformedResponseException(String message, int status, String requestId, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.requestId = requestId;
    }

    public int status() {
        return status;
    }

    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }
}
