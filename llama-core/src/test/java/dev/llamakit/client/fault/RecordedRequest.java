package dev.llamakit.client.fault;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One request as the fault server read it off the socket: which server saw it, the request line, the headers
 * (names lower-cased, in arrival order, repeated names kept) and the body (de-chunked when it came chunked).
 */
public record RecordedRequest(String server, String origin, String method, String target, String version,
                              List<Map.Entry<String, String>> headers, byte[] body, int sequence) {

    private static final Pattern STREAM_TRUE = Pattern.compile("\"stream\"\\s*:\\s*true");

    public RecordedRequest {
        headers = List.copyOf(headers);
    }

    /** The first value of a header (case-insensitive name), or {@code null}. */
    public String header(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equals(n)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** Whether the header appears at all. */
    public boolean has(String name) {
        return header(name) != null;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the JSON body asks for an SSE stream ({@code "stream": true}), as a real server decides. */
    public boolean wantsStream() {
        return STREAM_TRUE.matcher(bodyText()).find();
    }

    @Override
    public String toString() {
        return server + " #" + sequence + " " + method + " " + target + " host=" + header("host")
                + " authorization=" + (has("authorization") ? "present" : "absent") + " body=" + body.length + "B";
    }
}
