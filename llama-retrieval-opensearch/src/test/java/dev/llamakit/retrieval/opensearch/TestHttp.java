package dev.llamakit.retrieval.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Plain HTTP to a test node, for what the retriever does not do (blocks, foreign indices, clean-up), with timeouts. */
final class TestHttp {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger INDICES = new AtomicInteger();

    /** An answer: status and body. */
    record Answer(int status, String body) {
    }

    private TestHttp() {
    }

    /** A new index name, unique in this JVM: {@code llamakit-test-<prefix>-<n>}. */
    static String freshIndex(String prefix) {
        return "llamakit-test-" + prefix + "-" + INDICES.incrementAndGet();
    }

    static Answer send(String baseUrl, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes the indices matching a pattern (e.g. {@code llamakit-test-bm25-*}); missing ones are fine. */
    static void deleteIndices(String baseUrl, String pattern) {
        send(baseUrl, "DELETE", "/" + pattern + "?ignore_unavailable=true", null);
    }
}
