package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A tiny real-HTTP client for the tests: {@link java.net.http.HttpClient} against a {@link LlamaTestServer}. */
final class Http {

    static final String KEY = "test-key-123";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String MODEL = "Llama-3.3-8B-Instruct";

    private final LlamaTestServer server;
    private final HttpClient client;

    Http(LlamaTestServer server) {
        this(server, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    Http(LlamaTestServer server, HttpClient client) {
        this.server = server;
        this.client = client;
    }

    /** A request builder for {@code path} on the server, with the test key. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.url().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs JSON with {@code Content-Type: application/json} and {@code Accept: application/json}. */
    HttpResponse<String> postJson(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** POSTs JSON asking for an event stream. */
    HttpResponse<String> postStream(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** A chat body for {@link #MODEL} with one user message. */
    static String chat(String userText) {
        return chat(userText, "");
    }

    /** A chat body for {@link #MODEL} with one user message and extra top-level members (",\"k\":v"). */
    static String chat(String userText, String extraMembers) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(userText) + "}]" + extraMembers + "}";
    }

    static String quote(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code data:} payloads of an event-stream body, in order (blank lines dropped, framing checked). */
    static List<String> sseData(String body) {
        List<String> data = new ArrayList<>();
        for (String line : body.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("data: ")) {
                throw new AssertionError("event-stream line without 'data: ' prefix: " + line);
            }
            data.add(line.substring("data: ".length()));
        }
        return data;
    }

    /** The {@code data:} payloads parsed as JSON (fails on {@code [DONE]}; strip it first). */
    static List<JsonNode> sseJson(List<String> data) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String payload : data) {
            try {
                nodes.add(MAPPER.readTree(payload));
            } catch (IOException e) {
                throw new AssertionError("event payload is not JSON: " + payload, e);
            }
        }
        return nodes;
    }

    static URI uri(LlamaTestServer server, String path) {
        return server.url().resolve(path);
    }
}
