package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.llamakit.testkit.NativeChatTest.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET models} and {@code GET models/{id}} under both prefixes. */
class ModelsTest {

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

    @ParameterizedTest
    @ValueSource(strings = {"/v1", "/compat/v1"})
    void listsTheDefaultModels(String prefix) {
        HttpResponse<String> response = http.get(prefix + "/models");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-request-id")).hasValue("req_1");
        JsonNode root = Http.json(response);
        assertThat(fieldNames(root)).containsExactly("object", "data");
        assertThat(root.path("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        for (JsonNode model : root.path("data")) {
            assertThat(fieldNames(model)).containsExactly("id", "object", "created", "owned_by");
            assertThat(model.path("object").asText()).isEqualTo("model");
            assertThat(model.path("created").asLong()).isEqualTo(1743811200L);
            assertThat(model.path("owned_by").asText()).isEqualTo("Meta");
            ids.add(model.path("id").asText());
        }
        assertThat(ids).containsExactly("Llama-4-Maverick-17B-128E-Instruct-FP8", "Llama-4-Scout-17B-16E-Instruct-FP8",
                "Llama-3.3-70B-Instruct", "Llama-3.3-8B-Instruct");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1", "/compat/v1"})
    void retrievesABareModel(String prefix) {
        JsonNode model = Http.json(http.get(prefix + "/models/Llama-3.3-70B-Instruct"));

        assertThat(fieldNames(model)).containsExactly("id", "object", "created", "owned_by");
        assertThat(model.path("id").asText()).isEqualTo("Llama-3.3-70B-Instruct");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1", "/compat/v1"})
    void unknownModelIs404(String prefix) {
        HttpResponse<String> response = http.get(prefix + "/models/gpt-4o");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Http.json(response).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(Http.json(response).path("error").path("message").asText()).contains("gpt-4o");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1", "/compat/v1"})
    void retrieveDecodesPercentEncodedIds(String prefix) {
        try (LlamaTestServer custom = LlamaTestServer.builder()
                .models(List.of("meta-llama/Llama 3.3+x", "Llama-3.3-8B-Instruct")).start()) {
            Http client = new Http(custom);

            HttpResponse<String> slash = client.get(prefix + "/models/meta-llama%2FLlama%203.3%2Bx");
            HttpResponse<String> plain = client.get(prefix + "/models/Llama%2D3.3-8B-Instruct");
            HttpResponse<String> list = client.get(prefix + "/models");

            assertThat(slash.statusCode()).isEqualTo(200);
            assertThat(Http.json(slash).path("id").asText()).isEqualTo("meta-llama/Llama 3.3+x");
            assertThat(Http.json(plain).path("id").asText()).isEqualTo("Llama-3.3-8B-Instruct");
            assertThat(Http.json(list).path("data")).hasSize(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1", "/compat/v1"})
    void configuredModelsAreTheOnlyChatModels(String prefix) {
        try (LlamaTestServer custom = LlamaTestServer.builder().models(List.of("tiny")).start()) {
            Http client = new Http(custom);

            HttpResponse<String> ok = client.postJson(prefix + "/chat/completions",
                    "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            HttpResponse<String> gone = client.postJson(prefix + "/chat/completions", Http.chat("hi"));

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(gone.statusCode()).isEqualTo(404);
        }
    }
}
