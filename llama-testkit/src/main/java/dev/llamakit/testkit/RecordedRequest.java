package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One HTTP request as the server received it. Immutable. Recorded for every request, valid or not,
 * before the server answers it.
 */
public final class RecordedRequest {

    private static final Set<String> SECRET_HEADERS =
            Set.of("authorization", "proxy-authorization", "x-api-key", "api-key", "cookie");
    private static final int BODY_PREVIEW = 300;

    private final String requestId;
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final String body;
    private final Dialect dialect;
    private volatile JsonNode json;

    RecordedRequest(String requestId, String method, String path, String query,
                    Map<String, List<String>> headers, String body) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        this.query = query;
        this.headers = lowerCased(Objects.requireNonNull(headers, "headers"));
        this.body = Objects.requireNonNull(body, "body");
        this.dialect = path.startsWith("/compat/") ? Dialect.OPENAI : Dialect.LLAMA;
    }

    private static Map<String, List<String>> lowerCased(Map<String, List<String>> raw) {
        Map<String, List<String>> result = new TreeMap<>();
        raw.forEach((name, values) -> result
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(values));
        result.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(result);
    }

    /** The {@code x-request-id} the server answered this request with, e.g. {@code req_3}. */
    public String requestId() {
        return requestId;
    }

    /** The HTTP method, e.g. {@code POST}. */
    public String method() {
        return method;
    }

    /** The path without query string, as sent (not percent-decoded), e.g. {@code /v1/chat/completions}. */
    public String path() {
        return path;
    }

    /** The raw query string without {@code ?}, if the request had one. */
    public Optional<String> query() {
        return Optional.ofNullable(query);
    }

    /** The first value of the named header (case-insensitive), or {@code null} if absent. */
    public String header(String name) {
        Objects.requireNonNull(name, "name must not be null");
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All headers, names lower-cased, sorted by name; immutable. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The body decoded as UTF-8; empty if there was none. */
    public String body() {
        return body;
    }

    /**
     * The body parsed as JSON; a {@link com.fasterxml.jackson.databind.node.MissingNode} (never
     * {@code null}) when the body is empty or not valid JSON, so {@code json().path("model")} is
     * always safe.
     */
    public JsonNode json() {
        JsonNode node = json;
        if (node == null) {
            node = Json.parseOrMissing(body);
            json = node;
        }
        return node;
    }

    /** {@link Dialect#OPENAI} for paths under {@code /compat/}, otherwise {@link Dialect#LLAMA}. */
    public Dialect dialect() {
        return dialect;
    }

    /** Describes the request; credentials are masked ({@code Bearer ***}), long bodies abbreviated. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RecordedRequest{")
                .append(requestId).append(' ').append(method).append(' ').append(path);
        if (query != null) {
            sb.append('?').append(query);
        }
        sb.append(", headers={");
        boolean first = true;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append('=');
            if (SECRET_HEADERS.contains(e.getKey())) {
                sb.append(e.getValue().stream().map(RecordedRequest::mask).toList());
            } else {
                sb.append(e.getValue());
            }
        }
        sb.append("}, body=");
        sb.append(body.length() <= BODY_PREVIEW ? body : body.substring(0, BODY_PREVIEW) + "…");
        return sb.append('}').toString();
    }

    private static String mask(String value) {
        int space = value.indexOf(' ');
        return space > 0 ? value.substring(0, space) + " ***" : "***";
    }
}
