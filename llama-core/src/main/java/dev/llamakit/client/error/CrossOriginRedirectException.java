package dev.llamakit.client.error;

import java.net.URI;

/**
 * The server redirected a request to another origin (scheme, host or port), or downgraded it from https to
 * http. The client does not follow: following would carry the API key, or the request body, to a server the
 * key was not given for. If the new address is right, make it the base URL.
 */
public class CrossOriginRedirectException extends LlamaException {
    private final int status;
    private final URI location;

    public CrossOriginRedirectException(String message, int status, URI location) {
        super(message);
        this.status = status;
        this.location = location;
    }

    /** The redirect status (301, 302, 303, 307 or 308). */
    public int status() {
        return status;
    }

    /** Where the server pointed, without any user-info part. */
    public URI location() {
        return location;
    }
}
