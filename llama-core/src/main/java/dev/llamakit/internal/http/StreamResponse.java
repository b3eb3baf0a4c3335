package dev.llamakit.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;

/** An open 2xx streaming response: its body (with an idle timeout), headers and request id. Internal. */
final class StreamResponse implements AutoCloseable {
    private final IdleTimeoutInputStream body;
    private final HttpHeaders headers;
    private final String requestId;

    StreamResponse(IdleTimeoutInputStream body, HttpHeaders headers, String requestId) {
        this.body = body;
        this.headers = headers;
        this.requestId = requestId;
    }

    InputStream body() {
        return body;
    }

    HttpHeaders headers() {
        return headers;
    }

    String requestId() {
        return requestId;
    }

    /** Whether the body failed because no byte arrived within the idle timeout. */
    boolean idleTimedOut() {
        return body.timedOut();
    }

    /** Closes the body, which cancels the exchange if it is still running. */
    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing a cancelled exchange may fail; nothing is left to free
        }
    }
}
