package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.llamakit.testkit.NativeChatTest.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST moderations}: native and OpenAI shapes, the keyword classifier, scripted results. */
class ModerationsTest {

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

    private static String nativeBody(String text) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":" + Http.quote(text) + "}]}";
    }

    @Test
    void nativeSafeTextIsNotFlagged() {
        HttpResponse<String> response = http.postJson("/v1/moderations", nativeBody("What is the capital of France?"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode root = Http.json(response);
        assertThat(fieldNames(root)).containsExactly("model", "results");
        assertThat(root.path("model").asText()).isEqualTo("Llama-Guard");
        assertThat(root.path("results")).hasSize(1);
        JsonNode result = root.path("results").get(0);
        assertThat(fieldNames(result)).containsExactly("flagged", "flagged_categories");
        assertThat(result.path("flagged").asBoolean()).isFalse();
        assertThat(result.path("flagged_categories").isArray()).isTrue();
        assertThat(result.path("flagged_categories")).isEmpty();
        assertThat(response.headers().firstValue("x-ratelimit-limit-tokens")).isEmpty();
    }

    @Test
    void nativeKeywordsFlagTheirCategoriesAcrossAllMessages() {
        String body = "{\"model\":\"Llama-Guard\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are helpful.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Here is my SSN, and I think about suicide.\"}]},"
                + "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"How to build a bomb\"}}]}";

        JsonNode result = Http.json(http.postJson("/v1/moderations", body)).path("results").get(0);

        assertThat(result.path("flagged").asBoolean()).isTrue();
        assertThat(texts(result.path("flagged_categories"))).containsExactly("privacy", "indiscriminate-weapons", "self-harm");
    }

    @Test
    void keywordsMatchWholeWordsAndPhrasesOnly() {
        JsonNode skill = Http.json(http.postJson("/v1/moderations", nativeBody("Skills: bombastic prose"))).path("results").get(0);
        JsonNode phrase = Http.json(http.postJson("/v1/moderations",
                nativeBody("My Social   Security Number is private; they want to MURDER"))).path("results").get(0);

        assertThat(skill.path("flagged").asBoolean()).isFalse();
        assertThat(texts(phrase.path("flagged_categories"))).containsExactly("violent-crimes", "privacy");
    }

    @Test
    void openAiShapeHasOneResultPerInput() {
        HttpResponse<String> response = http.postJson("/compat/v1/moderations",
                "{\"input\":[\"I want to kill time\",\"hello there\"]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode root = Http.json(response);
        assertThat(fieldNames(root)).containsExactly("id", "model", "results");
        assertThat(root.path("id").asText()).isEqualTo("modr-1");
        assertThat(root.path("model").asText()).isEqualTo("Llama-Guard");
        assertThat(root.path("results")).hasSize(2);
        JsonNode flagged = root.path("results").get(0);
        assertThat(fieldNames(flagged)).containsExactly("flagged", "categories", "category_scores");
        assertThat(flagged.path("flagged").asBoolean()).isTrue();
        assertThat(flagged.path("categories").path("violent-crimes").asBoolean()).isTrue();
        assertThat(flagged.path("categories").path("self-harm").asBoolean()).isFalse();
        assertThat(flagged.path("categories")).hasSize(14);
        assertThat(flagged.path("category_scores").path("violent-crimes").asDouble()).isEqualTo(1.0);
        assertThat(flagged.path("category_scores").path("privacy").asDouble()).isEqualTo(0.0);
        assertThat(root.path("results").get(1).path("flagged").asBoolean()).isFalse();
    }

    @Test
    void openAiStringInput() {
        JsonNode root = Http.json(http.postJson("/compat/v1/moderations",
                "{\"input\":\"self-harm\",\"model\":\"Llama-Guard\"}"));

        assertThat(root.path("results")).hasSize(1);
        assertThat(root.path("results").get(0).path("categories").path("self-harm").asBoolean()).isTrue();
    }

    @Test
    void scriptedModerationIsRenderedInBothDialects() {
        server.enqueue(ScriptedReply.moderation("hate")).enqueue(ScriptedReply.moderation("elections", "custom-x"));

        JsonNode nativeResult = Http.json(http.postJson("/v1/moderations", nativeBody("harmless")))
                .path("results").get(0);
        JsonNode openAi = Http.json(http.postJson("/compat/v1/moderations", "{\"input\":[\"a\",\"b\"]}"));

        assertThat(texts(nativeResult.path("flagged_categories"))).containsExactly("hate");
        assertThat(openAi.path("results")).hasSize(2);
        assertThat(openAi.path("results").get(1).path("categories").path("elections").asBoolean()).isTrue();
        assertThat(openAi.path("results").get(1).path("categories").path("custom-x").asBoolean()).isTrue();
    }

    @Test
    void moderationQuirksViaRawJson() {
        server.enqueue(ScriptedReply.rawJson("{\"model\":\"Llama-Guard\",\"results\":[{\"flagged\":false,\"flagged_categories\":null}]}"));

        HttpResponse<String> response = http.postJson("/v1/moderations", nativeBody("x"));

        assertThat(Http.json(response).path("results").get(0).path("flagged_categories").isNull()).isTrue();
    }

    @Test
    void invalidModerationRequests() {
        assertThat(http.postJson("/v1/moderations", "{}").statusCode()).isEqualTo(400);
        assertThat(http.postJson("/v1/moderations", "{\"messages\":[]}").statusCode()).isEqualTo(400);
        assertThat(http.postJson("/compat/v1/moderations", "{\"messages\":[]}").statusCode()).isEqualTo(400);
        assertThat(http.postJson("/compat/v1/moderations", "{\"input\":5}").statusCode()).isEqualTo(400);
        HttpResponse<String> wrongModel = http.postJson("/v1/moderations",
                "{\"model\":\"Llama-3.3-8B-Instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(wrongModel.statusCode()).isEqualTo(404);
        assertThat(Http.json(wrongModel).path("error").path("message").asText()).contains("Llama-Guard");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
