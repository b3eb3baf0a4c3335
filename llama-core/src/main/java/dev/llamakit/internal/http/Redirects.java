package dev.llamakit.internal.http;

import dev.llamakit.client.error.CrossOriginRedirectException;
import dev.llamakit.client.error.LlamaException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;

/**
 * The client's redirect rules. The JDK client is built with {@code Redirect.NEVER} because its own policy copies
 * every header, the {@code Authorization} header included, to whatever host a redirect names. Here a redirect is
 * followed only to the same origin (scheme, host and port): 307 and 308 for any method (method and body kept),
 * 301, 302 and 303 for {@code GET}. Anything else fails with a typed error naming the target. Internal.
 */
final class Redirects {
    private Redirects() {
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The request to send next, or a typed error when this redirect must not be followed. */
    static HttpRequest follow(HttpRequest request, int status, String location, int redirects, int maxRedirects) {
        URI from = request.uri();
        URI to;
        try {
            to = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new LlamaException("the server answered " + status + " with an invalid Location header");
        }
        URI shown = UrlRedaction.withoutUserInfo(to);
        if (!sameOrigin(from, to)) {
            String why = "https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme())
                    ? "from https to plain http" : "to another origin";
            throw new CrossOriginRedirectException("the server redirected " + request.method() + " " + from.getRawPath()
                    + " (" + status + ") " + why + ": " + shown + "; the client does not follow, so that the API key "
                    + "stays with " + origin(from) + ". If that address is right, use it as the base URL.", status, shown);
        }
        boolean keepsMethod = status == 307 || status == 308 || "GET".equals(request.method());
        if (!keepsMethod) {
            throw new CrossOriginRedirectException("the server redirected " + request.method() + " " + from.getRawPath()
                    + " with " + status + " to " + shown + "; only 307 and 308 re-send a request with its body. "
                    + "Use that address as the base URL.", status, shown);
        }
        if (redirects > maxRedirects) {
            throw new CrossOriginRedirectException("more than " + maxRedirects + " redirects, the last to " + shown,
                    status, shown);
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).uri(to).build();
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && HttpCaller.port(a) == HttpCaller.port(b)
                && b.getRawUserInfo() == null;
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost() + ":" + HttpCaller.port(uri);
    }
}
