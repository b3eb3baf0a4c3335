package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the server records about each request, and how tests read it. */
class RequestRecordingTest {

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

    @Test
    void recordsMethodPathQueryHeadersBodyAndJson() {
        http.send(http.request("/v1/chat/completions?trace=1&x=%20y")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-Stainless-Lang", "java")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("héllo wörld"))).build());

        RecordedRequest request = server.takeRequest();

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.query()).hasValue("trace=1&x=%20y");
        assertThat(request.dialect()).isEqualTo(Dialect.LLAMA);
        assertThat(request.requestId()).isEqualTo("req_1");
        assertThat(request.header("content-type")).isEqualTo("application/json; charset=utf-8");
        assertThat(request.header("CONTENT-TYPE")).isEqualTo("application/json; charset=utf-8");
        assertThat(request.header("x-stainless-lang")).isEqualTo("java");
        assertThat(request.header("x-missing")).isNull();
        assertThat(request.headers()).containsKeys("authorization", "content-type", "x-stainless-lang");
        assertThat(request.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
        assertThat(request.body()).contains("héllo wörld");
        assertThat(request.json().path("messages").get(0).path("content").asText()).isEqualTo("héllo wörld");
        assertThat(request.json().path("model").asText()).isEqualTo(Http.MODEL);
        assertThatThrownBy(() -> request.headers().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void jsonOfANonJsonBodyIsAMissingNode() {
        http.send(http.request("/v1/chat/completions").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("not json")).build());
        http.get("/v1/models");

        RecordedRequest notJson = server.takeRequest();
        RecordedRequest noBody = server.takeRequest();

        assertThat(notJson.json()).isInstanceOf(MissingNode.class);
        assertThat(notJson.json().path("model").isMissingNode()).isTrue();
        assertThat(noBody.body()).isEmpty();
        assertThat(noBody.json().isMissingNode()).isTrue();
        assertThat(noBody.query()).isEmpty();
    }

    @Test
    void toStringMasksTheAuthorizationValue() {
        http.postJson("/v1/chat/completions", Http.chat("hi"));

        String text = server.takeRequest().toString();

        assertThat(text).contains("POST /v1/chat/completions", "authorization=[Bearer ***]", "content-type");
        assertThat(text).doesNotContain(Http.KEY).doesNotContain("test-key");
    }

    @Test
    void takeRequestWithoutRequestsFailsClearly() {
        assertThatThrownBy(server::takeRequest)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No request left to take");
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(20)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No request arrived within");
    }

    @Test
    void takeRequestWithTimeoutWaitsForARequest() throws Exception {
        CompletableFuture<RecordedRequest> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return server.takeRequest(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        http.get("/v1/models");

        assertThat(taken.get().path()).isEqualTo("/v1/models");
    }

    @Test
    void requestsSnapshotCountAndClear() {
        http.get("/v1/models");
        http.get("/compat/v1/models");
        server.takeRequest();

        List<RecordedRequest> snapshot = server.requests();
        http.get("/v1/models/Llama-3.3-8B-Instruct");

        assertThat(snapshot).extracting(RecordedRequest::path).containsExactly("/v1/models", "/compat/v1/models");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.takeRequest().path()).isEqualTo("/compat/v1/models");
        assertThatThrownBy(() -> snapshot.add(snapshot.get(0))).isInstanceOf(UnsupportedOperationException.class);

        server.clearRecorded();

        assertThat(server.requestCount()).isZero();
        assertThat(server.requests()).isEmpty();
        assertThatThrownBy(server::takeRequest).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidRequestsAreRecordedToo() {
        http.send(java.net.http.HttpRequest.newBuilder(server.url().resolve("/nowhere")).GET().build());

        RecordedRequest request = server.takeRequest();

        assertThat(request.path()).isEqualTo("/nowhere");
        assertThat(request.header("authorization")).isNull();
    }

    @Test
    void serverAddresses() {
        assertThat(server.url().toString()).isEqualTo("http://127.0.0.1:" + server.port());
        assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
        assertThat(server.compatBaseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/compat/v1");
        assertThat(server.port()).isPositive();
        assertThat(server.toString()).doesNotContain(Http.KEY);
    }
}
