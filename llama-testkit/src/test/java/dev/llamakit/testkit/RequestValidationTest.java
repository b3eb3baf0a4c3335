package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's request checks, with real HTTP: auth, routing, content type, JSON, fields, model, Q1. */
class RequestValidationTest {

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

    private static String errorMessage(HttpResponse<String> response) {
        return Http.json(response).path("error").path("message").asText();
    }

    @Test
    void missingAuthorizationIs401WithErrorBody() {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url().resolve("/v1/models")).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = Http.json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("authentication_error");
        assertThat(error.path("code").asText()).isEqualTo("missing_api_key");
        assertThat(error.path("message").asText()).contains("Authorization: Bearer");
        assertThat(response.headers().firstValue("x-request-id")).hasValue("req_1");
    }

    @Test
    void wrongKeyIs401AndTheKeyIsNotEchoed() {
        String presented = "sk-wrong-secret-98765";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + presented)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi"))).build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Http.json(response).path("error").path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(response.body()).doesNotContain(presented).doesNotContain("98765");
        assertThat(response.headers().map().toString()).doesNotContain(presented);
    }

    @Test
    void nonBearerSchemeIs401() {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url().resolve("/v1/models"))
                .header("Authorization", "Basic " + Http.KEY).GET().build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain(Http.KEY);
    }

    @Test
    void withoutConfiguredKeyAnyNonEmptyBearerTokenIsAccepted() {
        try (LlamaTestServer open = LlamaTestServer.start()) {
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(open.url().resolve("/v1/models"))
                    .header("Authorization", "Bearer anything").GET().build());
            HttpResponse<String> empty = http.send(HttpRequest.newBuilder(open.url().resolve("/v1/models"))
                    .header("Authorization", "Bearer ").GET().build());

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(empty.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void requireApiKeyFalseNeedsNoAuthorization() {
        try (LlamaTestServer local = LlamaTestServer.builder().requireApiKey(false).start()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(local.url().resolve("/compat/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hello"))).build());

            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void authIsCheckedBeforeContentType() {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.url().resolve("/v1/chat/completions"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain", "application/jsonx"})
    void nonJsonContentTypeIs400(String contentType) {
        HttpResponse<String> response = http.send(http.request("/v1/chat/completions")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi"))).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).path("error").path("code").asText()).isEqualTo("invalid_content_type");
        assertThat(errorMessage(response)).contains("application/json");
    }

    @Test
    void missingContentTypeIs400() {
        HttpResponse<String> response = http.send(http.request("/compat/v1/chat/completions")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi"))).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("Content-Type");
    }

    @Test
    void charsetParameterIsAllowed() {
        HttpResponse<String> response = http.send(http.request("/v1/chat/completions")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi"))).build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\": ", "not json", "", "{} {}"})
    void invalidJsonIs400(String body) {
        HttpResponse<String> response = http.postJson("/v1/chat/completions", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).path("error").path("code").asText()).isEqualTo("invalid_json");
        assertThat(errorMessage(response)).startsWith("Request body is not valid JSON");
    }

    @Test
    void jsonThatIsNotAnObjectIs400() {
        HttpResponse<String> response = http.postJson("/v1/chat/completions", "[1,2]");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("JSON object");
    }

    @Test
    void missingModelIs400NamingTheField() {
        HttpResponse<String> response = http.postJson("/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).isEqualTo("'model' is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"messages\":[]", ",\"messages\":null", ",\"messages\":\"hi\""})
    void missingOrEmptyMessagesIs400NamingTheField(String messages) {
        HttpResponse<String> response = http.postJson("/compat/v1/chat/completions",
                "{\"model\":\"" + Http.MODEL + "\"" + messages + "}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("'messages'");
    }

    @Test
    void unknownModelIs404() {
        HttpResponse<String> response = http.postJson("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Http.json(response).path("error").path("type").asText()).isEqualTo("not_found_error");
        assertThat(errorMessage(response)).contains("gpt-4o").contains(Http.MODEL);
    }

    @Test
    void toolMessageWithoutToolCallIdIs400() {
        String body = "{\"model\":\"" + Http.MODEL + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"\"},\"stop_reason\":\"tool_calls\","
                + "\"tool_calls\":[{\"id\":\"c1\",\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"content\":\"sunny\"}]}";

        HttpResponse<String> response = http.postJson("/v1/chat/completions", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("messages[2].tool_call_id");
    }

    @Test
    void toolMessageWithToolCallIdIsAccepted() {
        String body = "{\"model\":\"" + Http.MODEL + "\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"\"},\"stop_reason\":\"tool_calls\","
                + "\"tool_calls\":[{\"id\":\"c1\",\"function\":{\"name\":\"w\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]}";

        assertThat(http.postJson("/v1/chat/completions", body).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownRoleIs400() {
        HttpResponse<String> response = http.postJson("/v1/chat/completions",
                "{\"model\":\"" + Http.MODEL + "\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("messages[0].role");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "\"ten\"", "2.5"})
    void invalidMaxCompletionTokensIs400(String value) {
        HttpResponse<String> response = http.postJson("/v1/chat/completions",
                Http.chat("hi", ",\"max_completion_tokens\":" + value));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorMessage(response)).contains("max_completion_tokens");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/compat/v1/chat/completions"})
    void streamWithoutAcceptHeaderIs400(String path) {
        HttpResponse<String> response = http.send(http.request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi", ",\"stream\":true"))).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).path("error").path("code").asText()).isEqualTo("invalid_accept_header");
        assertThat(errorMessage(response)).contains("Accept");
    }

    @Test
    void streamWithWildcardAcceptIs400() {
        HttpResponse<String> response = http.send(http.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("Accept", "*/*")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi", ",\"stream\":true"))).build());

        assertThat(response.statusCode()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/event-stream", "application/json", "application/json, text/plain, */*"})
    void streamWithSpecificAcceptIsStreamed(String accept) {
        HttpResponse<String> response = http.send(http.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi", ",\"stream\":true"))).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    }

    @Test
    void nonStreamingRequestWithEventStreamAcceptGetsJson() {
        HttpResponse<String> response = http.send(http.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("hi", ",\"stream\":false"))).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v2/chat/completions", "/v1/completions", "/compat/v1/embeddings", "/", "/v1/models/"})
    void unknownPathIs404(String path) {
        HttpResponse<String> response = http.get(path);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(errorMessage(response)).contains("No such endpoint");
    }

    @Test
    void wrongMethodIs405WithAllowHeader() {
        HttpResponse<String> get = http.get("/v1/chat/completions");
        HttpResponse<String> post = http.postJson("/compat/v1/models", "{}");

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void problemShapeIsUsedWhenConfigured() {
        try (LlamaTestServer problem = LlamaTestServer.builder().errorShape(ErrorShape.PROBLEM).start()) {
            HttpResponse<String> response = new Http(problem).postJson("/v1/chat/completions", "{\"messages\":[]}");

            JsonNode body = Http.json(response);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(body.path("title").asText()).isEqualTo("Bad Request");
            assertThat(body.path("detail").asText()).isEqualTo("'model' is required");
            assertThat(body.path("status").asInt()).isEqualTo(400);
            assertThat(body.has("error")).isFalse();
        }
    }
}
