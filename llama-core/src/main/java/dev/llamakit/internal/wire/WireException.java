package dev.llamakit.internal.wire;

/** A response body that does not have the expected shape. Internal; the client wraps it with status and request id. */
public final class WireException extends RuntimeException {
    public WireException(String message) {
        super(message);
    }

    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
