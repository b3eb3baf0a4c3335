package dev.llamakit.testkit;

import java.util.Map;

/** An error the server answers with: a status, a machine-readable code and a human-readable message. */
final class ApiError extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> headers;

    ApiError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    ApiError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, message);
    }

    static ApiError notFound(String code, String message) {
        return new ApiError(404, code, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Extra response headers, e.g. {@code Allow} on a 405. */
    Map<String, String> headers() {
        return headers;
    }
}
