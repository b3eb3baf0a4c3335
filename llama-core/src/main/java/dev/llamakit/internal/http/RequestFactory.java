package dev.llamakit.internal.http;

import dev.llamakit.client.Dialect;
import dev.llamakit.client.error.LlamaConfigurationException;
import dev.llamakit.client.RequestOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Builds the HTTP request of a call: the base URL plus the path, the client's and the call's headers, and the
 * credentials. No JDK timeout is set on the request: attempts are bounded by {@link HttpCaller}'s own timer,
 * which for a stream covers the headers only (from JDK 26 the request timeout would also cut the body).
 * Internal.
 */
final class RequestFactory {
    private final ClientConfig config;
    /** Paths with a variable part (a model id) could grow the cache: it stops at this many. */
    private static final int MAX_CACHED_URIS = 64;
    /** The URI of each path called (mostly a handful of constants): parsed once. */
    private final java.util.concurrent.ConcurrentHashMap<String, URI> uris = new java.util.concurrent.ConcurrentHashMap<>();

    RequestFactory(ClientConfig config) {
        this.config = config;
    }

    HttpRequest build(String method, String path, byte[] jsonBody, RequestOptions options, String accept) {
        URI uri = uris.get(path);
        if (uri == null) {
            uri = URI.create(config.baseUrl() + path);
            if (uris.size() < MAX_CACHED_URIS) {
                uris.putIfAbsent(path, uri);
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Accept", accept)
                .header("User-Agent", config.userAgent());
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // h2c upgrade requests confuse some local servers; HTTP/2 is still used over TLS.
            b.version(HttpClient.Version.HTTP_1_1);
        }
        if (config.apiKey() != null) {
            set(b, "Authorization", "Bearer " + config.apiKey().reveal());
        } else if (config.basicAuth() != null) {
            set(b, "Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    config.basicAuth().reveal().getBytes(StandardCharsets.UTF_8)));
        } else if (config.dialect() == Dialect.LLAMA) {
            throw new LlamaConfigurationException("No API key for the Llama API: set the LLAMA_API_KEY environment variable "
                    + "or call LlamaClient.builder().apiKey(...). (OpenAI-compatible servers that need no key: use "
                    + "dialect(Dialect.OPENAI).)");
        }
        for (Map.Entry<String, String> h : config.headers().entrySet()) {
            set(b, h.getKey(), h.getValue());
        }
        for (Map.Entry<String, Secret> h : config.secretHeaders().entrySet()) {
            set(b, h.getKey(), h.getValue().reveal());
        }
        for (Map.Entry<String, String> h : options.headers().entrySet()) {
            set(b, h.getKey(), h.getValue());
        }
        if (jsonBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(jsonBody));
        }
        return b.build();
    }

    /**
     * Sets a header. Values are checked when they are configured ({@link HeaderValues}); should the JDK still
     * refuse one, its message (which quotes the value, a key included) is not passed on.
     */
    private static void set(HttpRequest.Builder b, String name, String value) {
        try {
            b.setHeader(name, value);
        } catch (IllegalArgumentException e) {
            throw new LlamaConfigurationException("the HTTP client refused the header " + name
                    + " (its value is not shown)");
        }
    }
}
