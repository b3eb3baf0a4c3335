package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scripted statuses, redirects, broken bodies, dropped connections and delays. */
class FaultInjectionTest {

    private static final String CHAT = "/v1/chat/completions";

    private LlamaTestServer server;
    private Http http;

    @BeforeEach
    void start() {
        server = LlamaTestServer.builder().apiKey(Http.KEY).start();
        http = new Http(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpRequest chatRequest() {
        return http.request(CHAT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi"))).build();
    }

    @Test
    void statusReplyHasErrorObjectBodyAndScriptedHeaders() {
        server.enqueue(ScriptedReply.status(429)
                .withHeader("retry-after", "2")
                .withHeader("retry-after-ms", "1500")
                .withHeader("x-should-retry", "true"));

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.headers().firstValue("retry-after")).hasValue("2");
        assertThat(response.headers().firstValue("retry-after-ms")).hasValue("1500");
        assertThat(response.headers().firstValue("x-should-retry")).hasValue("true");
        assertThat(response.headers().firstValue("x-request-id")).hasValue("req_1");
        JsonNode error = Http.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.path("message").asText()).isNotBlank();
    }

    @Test
    void statusReplyUsesTheProblemShapeWhenConfigured() {
        try (LlamaTestServer problem = LlamaTestServer.builder().errorShape(ErrorShape.PROBLEM).start()) {
            problem.enqueue(ScriptedReply.status(503));

            HttpResponse<String> response = new Http(problem).postJson(CHAT, Http.chat("hi"));

            JsonNode body = Http.json(response);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(body.path("title").asText()).isEqualTo("Service Unavailable");
            assertThat(body.path("status").asInt()).isEqualTo(503);
            assertThat(body.path("detail").asText()).isNotBlank();
        }
    }

    @Test
    void statusReplyWithVerbatimBodyAndContentType() {
        server.enqueue(ScriptedReply.status(500).withBody("upstream exploded").withHeader("Content-Type", "text/plain"));

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("upstream exploded");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
    }

    @Test
    void statusWithoutBodyAndHeadRequestsSendNoBody() {
        server.enqueue(ScriptedReply.status(204).withBody("{}"));

        HttpResponse<String> noContent = http.get("/v1/models");
        HttpResponse<String> head = http.send(http.request("/v1/models")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(noContent.statusCode()).isEqualTo(204);
        assertThat(noContent.body()).isEmpty();
        assertThat(head.statusCode()).isEqualTo(405);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void statusReplyAppliesToAnyEndpointAndSkipsChecks() {
        server.enqueue(ScriptedReply.status(500)).enqueue(ScriptedReply.status(403));

        HttpResponse<String> models = http.get("/v1/models");
        HttpResponse<String> unauthenticated = http.send(HttpRequest.newBuilder(server.url().resolve("/v1/moderations"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(models.statusCode()).isEqualTo(500);
        assertThat(unauthenticated.statusCode()).isEqualTo(403);
        assertThat(http.get("/v1/models").statusCode()).isEqualTo(200);
    }

    @Test
    void retryScenarioConsumesOneEntryPerAttempt() {
        server.enqueue(ScriptedReply.status(500)).enqueue(ScriptedReply.status(429)).enqueue(ScriptedReply.text("finally"));

        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> response;
        do {
            response = http.postJson(CHAT, Http.chat("hi"));
            statuses.add(response.statusCode());
        } while (response.statusCode() != 200 && statuses.size() < 5);

        assertThat(statuses).containsExactly(500, 429, 200);
        assertThat(Http.json(response).path("completion_message").path("content").path("text").asText()).isEqualTo("finally");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void redirectIsFollowedToTheNextQueuedReply() {
        server.enqueue(ScriptedReply.redirect(307, "/v1/chat/completions?hop=1"))
                .enqueue(ScriptedReply.text("after redirect"));
        Http following = new Http(server, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build());

        HttpResponse<String> response = following.postJson(CHAT, Http.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).path("completion_message").path("content").path("text").asText())
                .isEqualTo("after redirect");
        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(first.query()).isEmpty();
        assertThat(second.method()).isEqualTo("POST");
        assertThat(second.path()).isEqualTo(CHAT);
        assertThat(second.query()).hasValue("hop=1");
        assertThat(second.body()).isEqualTo(first.body());
    }

    @Test
    void redirectResponseCarriesAnAbsoluteLocation() {
        server.enqueue(ScriptedReply.redirect(308, "/compat/v1/chat/completions"));

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(308);
        assertThat(response.headers().firstValue("location")).hasValue(server.compatBaseUrl() + "/chat/completions");
    }

    @Test
    void malformedJsonIs200WithBrokenBody() {
        server.enqueue(ScriptedReply.malformedJson());

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).startsWith("{\"completion_message\"");
        assertThatThrownBy(() -> Http.MAPPER.readTree(response.body())).isInstanceOf(IOException.class);
    }

    @Test
    void rawJsonIsSentVerbatim() {
        String body = "{\"completion_message\":{\"role\":\"assistant\",\"content\":\"plain string\",\"new_field\":1}}";
        server.enqueue(ScriptedReply.rawJson(body));

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.headers().firstValue("x-ratelimit-limit-tokens")).isPresent();
    }

    @Test
    void dropConnectionGivesTheClientAnIOException() {
        server.enqueue(ScriptedReply.dropConnection());
        HttpClient client = HttpClient.newHttpClient();

        assertThatThrownBy(() -> client.send(chatRequest(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(http.postJson(CHAT, Http.chat("still alive")).statusCode()).isEqualTo(200);
    }

    @Test
    void dropMidBodyGivesTheClientATruncatedBody() throws Exception {
        server.enqueue(ScriptedReply.dropMidBody());
        HttpClient client = HttpClient.newHttpClient();

        assertThatThrownBy(() -> client.send(chatRequest(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);

        server.enqueue(ScriptedReply.dropMidBody());
        HttpResponse<java.io.InputStream> streamed = client.send(chatRequest(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(streamed.statusCode()).isEqualTo(200);
        long declared = streamed.headers().firstValueAsLong("content-length").orElseThrow();
        byte[] received = new byte[(int) declared];
        int total = 0;
        try (java.io.InputStream in = streamed.body()) {
            int n;
            while (total < declared && (n = in.read(received, total, received.length - total)) > 0) {
                total += n;
            }
        } catch (IOException expected) {
            // the connection closed early
        }
        assertThat(total).isPositive().isLessThan((int) declared);
        assertThat(new String(received, 0, total, java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"id\":\"chatcmpl-cut\"");
    }

    @Test
    void sseThenDropEndsTheStreamWithAnError() {
        server.enqueue(ScriptedReply.sseThenDrop(List.of(
                "data: {\"event\":{\"event_type\":\"start\",\"delta\":{\"type\":\"text\",\"text\":\"\"}}}\n\n")));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = http.request(CHAT)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("x", ",\"stream\":true"))).build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void delayMakesAShortClientTimeoutFire() {
        server.enqueue(ScriptedReply.text("late").withDelay(Duration.ofSeconds(30)));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = http.request(CHAT)
                .timeout(Duration.ofMillis(200))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi"))).build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void delayedReplyIsDeliveredAfterItsDelay() {
        server.enqueue(ScriptedReply.text("patience").withDelay(Duration.ofMillis(50)));

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(Http.json(response).path("completion_message").path("content").path("text").asText())
                .isEqualTo("patience");
    }

    @Test
    void closingTheServerEndsAPendingDelay() throws Exception {
        server.enqueue(ScriptedReply.text("never").withDelay(Duration.ofHours(1)));
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> pending =
                client.sendAsync(chatRequest(), HttpResponse.BodyHandlers.ofString());
        server.takeRequest(Duration.ofSeconds(10));

        server.close();

        assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void chatReplyScriptedForAnotherEndpointIs500WithAnExplanation() {
        server.enqueue(ScriptedReply.text("meant for chat"));

        HttpResponse<String> response = http.get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Http.json(response).path("error").path("message").asText())
                .contains("chat-completions reply", "text(...)", "GET /v1/models");
    }

    @Test
    void renderedReplyIsUsedUpByAFailingRequest() {
        server.enqueue(ScriptedReply.text("scripted"));

        HttpResponse<String> invalid = http.postJson(CHAT, "{\"messages\":[]}");
        HttpResponse<String> next = http.postJson(CHAT, Http.chat("hi"));

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(Http.json(next).path("completion_message").path("content").path("text").asText()).isEqualTo("Echo: hi");
    }

    @Test
    void defaultReplyCanBeQueuedWithHeaders() {
        server.enqueue(ScriptedReply.defaultReply().withHeader("x-ratelimit-remaining-requests", "0"));

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(response.headers().allValues("x-ratelimit-remaining-requests")).containsExactly("0");
        assertThat(Http.json(response).path("completion_message").path("content").path("text").asText()).isEqualTo("Echo: hi");
    }

    @Test
    void concurrentRequestsAreAllServed() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            HttpRequest request = http.request(i % 2 == 0 ? CHAT : "/compat/v1/chat/completions")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.chat("request " + i))).build();
            futures.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }

        for (CompletableFuture<HttpResponse<String>> future : futures) {
            assertThat(future.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(server.requestCount()).isEqualTo(16);
        assertThat(server.requests()).extracting(RecordedRequest::requestId).doesNotHaveDuplicates();
    }
}
