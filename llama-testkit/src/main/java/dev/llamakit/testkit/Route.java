package dev.llamakit.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a request goes: its dialect, endpoint and (for model retrieval) the percent-decoded model id.
 *
 * @param dialect  the dialect of the path prefix
 * @param endpoint the endpoint, or {@link Endpoint#UNKNOWN}
 * @param modelId  the decoded model id of {@code GET {prefix}/models/{id}}, otherwise {@code null}
 */
record Route(Dialect dialect, Endpoint endpoint, String modelId) {

    /** The endpoints the server serves under both prefixes. */
    enum Endpoint {
        CHAT("POST"), MODELS("GET"), MODEL("GET"), MODERATIONS("POST"), UNKNOWN("");

        private final String method;

        Endpoint(String method) {
            this.method = method;
        }

        /** The one HTTP method the endpoint accepts. */
        String method() {
            return method;
        }
    }

    private static final String NATIVE = "/v1/";
    private static final String COMPAT = "/compat/v1/";

    /** Resolves a raw (still percent-encoded) request path. */
    static Route of(String rawPath) {
        Dialect dialect;
        String rest;
        if (rawPath.startsWith(COMPAT)) {
            dialect = Dialect.OPENAI;
            rest = rawPath.substring(COMPAT.length());
        } else if (rawPath.startsWith(NATIVE)) {
            dialect = Dialect.LLAMA;
            rest = rawPath.substring(NATIVE.length());
        } else {
            return new Route(rawPath.startsWith("/compat/") ? Dialect.OPENAI : Dialect.LLAMA, Endpoint.UNKNOWN, null);
        }
        switch (rest) {
            case "chat/completions":
                return new Route(dialect, Endpoint.CHAT, null);
            case "models":
                return new Route(dialect, Endpoint.MODELS, null);
            case "moderations":
                return new Route(dialect, Endpoint.MODERATIONS, null);
            default:
                break;
        }
        if (rest.startsWith("models/")) {
            String segment = rest.substring("models/".length());
            if (!segment.isEmpty() && segment.indexOf('/') < 0) {
                String id = percentDecode(segment);
                if (id != null) {
                    return new Route(dialect, Endpoint.MODEL, id);
                }
            }
        }
        return new Route(dialect, Endpoint.UNKNOWN, null);
    }

    /** Decodes {@code %XX} escapes as UTF-8 ({@code +} stays a plus); {@code null} if malformed. */
    static String percentDecode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int next = segment.indexOf('%', i);
                int end = next < 0 ? segment.length() : next;
                byte[] bytes = segment.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
