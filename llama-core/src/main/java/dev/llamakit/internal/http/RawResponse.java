package dev.llamakit.internal.http;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** A successful (2xx) response: status, headers, body. Internal. */
public record RawResponse(int status, HttpHeaders headers, byte[] body, String requestId) {

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
