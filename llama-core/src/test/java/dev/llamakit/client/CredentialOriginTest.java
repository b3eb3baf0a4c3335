package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.CrossOriginRedirectException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.ScriptedReply;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials stay with their origin: two real servers on different host names ({@code 127.0.0.1} and
 * {@code localhost}), redirects between them, and the environment rules of {@link Dialect#apiKeyVariable}.
 */
class CredentialOriginTest {
    private static final String KEY = "sk-origin-SECRET-7d1c";
    private static final ChatRequest REQUEST = ChatRequest.builder().model("Llama-3.3-8B-Instruct")
            .addMessage(Message.user("hi")).build();

    private LlamaTestServer home;
    private LlamaTestServer elsewhere;

    @BeforeEach
    void start() {
        home = LlamaTestServer.builder().apiKey(KEY).start();
        elsewhere = LlamaTestServer.builder().requireApiKey(false).start();
    }

    @AfterEach
    void stop() {
        home.close();
        elsewhere.close();
    }

    private LlamaClient client() {
        return LlamaClient.builder().baseUrl(home.baseUrl()).apiKey(KEY).environment(n -> null).build();
    }

    private String elsewhereUrl(String path) {
        return "http://localhost:" + elsewhere.port() + path;
    }

    @Test
    void aRedirectToAnotherHostIsRefusedAndTheKeyNeverLeaves() {
        assertThat(home.baseUrl()).contains("127.0.0.1");
        home.enqueue(ScriptedReply.redirect(307, elsewhereUrl("/v1/chat/completions")));

        assertThatThrownBy(() -> client().chat(REQUEST))
                .isInstanceOfSatisfying(CrossOriginRedirectException.class, e -> {
                    assertThat(e.status()).isEqualTo(307);
                    assertThat(e.location().toString()).isEqualTo(elsewhereUrl("/v1/chat/completions"));
                    assertThat(e.getMessage()).contains("localhost:" + elsewhere.port()).doesNotContain(KEY);
                });
        assertThat(elsewhere.requests()).as("the other origin received nothing").isEmpty();
    }

    @Test
    void everyRedirectStatusAndEveryCallShapeIsRefusedAcrossOrigins() {
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            home.enqueue(ScriptedReply.redirect(status, elsewhereUrl("/v1/models")));
            assertThatThrownBy(() -> client().models()).isInstanceOf(CrossOriginRedirectException.class);
            home.enqueue(ScriptedReply.redirect(status, elsewhereUrl("/v1/chat/completions")));
            assertThatThrownBy(() -> client().chatAsync(REQUEST).join()).hasCauseInstanceOf(CrossOriginRedirectException.class);
            home.enqueue(ScriptedReply.redirect(status, elsewhereUrl("/v1/chat/completions")));
            assertThatThrownBy(() -> client().stream(REQUEST)).isInstanceOf(CrossOriginRedirectException.class);
        }
        assertThat(elsewhere.requests()).isEmpty();
    }

    @Test
    void aSameOriginRedirectIsFollowedWithTheKey() {
        home.enqueue(ScriptedReply.redirect(308, home.baseUrl() + "/chat/completions"));
        home.enqueue(ScriptedReply.text("hello"));

        assertThat(client().chat(REQUEST).text()).isEqualTo("hello");
        assertThat(home.requests()).hasSize(2);
        assertThat(home.requests().get(1).header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void aPostIsNotTurnedIntoAGetBy301To303() {
        home.enqueue(ScriptedReply.redirect(302, home.baseUrl() + "/chat/completions"));
        assertThatThrownBy(() -> client().chat(REQUEST)).isInstanceOf(CrossOriginRedirectException.class)
                .hasMessageContaining("307 and 308");
        assertThat(home.requests()).hasSize(1);
    }

    @Test
    void aClientThatFollowsRedirectsItselfIsRefused() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThatThrownBy(() -> LlamaClient.builder().httpClient(following).apiKey(KEY).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redirect.NEVER");
    }

    @Test
    void userInfoInTheBaseUrlIsSentAsBasicAuthAndNeverShown() {
        String secret = "pw-SECRET-93ab";
        String url = elsewhere.compatBaseUrl().replace("http://", "http://alice:" + secret + "@");
        LlamaClient client = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(url).environment(n -> null).build();
        elsewhere.enqueue(ScriptedReply.text("hi"));
        elsewhere.enqueue(ScriptedReply.status(500).withHeader("x-should-retry", "false"));

        client.newBuilder().baseUrl(url).apiKey(KEY).build().chat(REQUEST);
        Throwable error = null;
        try {
            client.chat(REQUEST);
        } catch (LlamaException e) {
            error = e;
        }

        assertThat(error).isNotNull();
        assertThat(elsewhere.requests().get(0).header("Authorization")).as("an explicit key wins").isEqualTo("Bearer " + KEY);
        assertThat(elsewhere.requests().get(1).header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString(("alice:" + secret).getBytes(StandardCharsets.UTF_8)));
        String shown = client + " " + client.baseUrl() + " " + client.newBuilder() + " " + error.getMessage();
        assertThat(shown).doesNotContain(secret).contains("127.0.0.1");
        assertThatThrownBy(() -> LlamaClient.builder().baseUrl("ftp://bob:" + secret + "@example.com/v1"))
                .hasMessageNotContaining(secret).hasMessageContaining("***@");
    }

    @Test
    void anEnvironmentKeyGoesOnlyToTheServerItBelongsTo() {
        Map<String, String> env = Map.of("LLAMA_API_KEY", "sk-llama-env", "OPENAI_API_KEY", "sk-openai-env",
                "OPENAI_BASE_URL", elsewhere.compatBaseUrl());

        // an OpenAI-compatible server given in code gets OPENAI_API_KEY, never LLAMA_API_KEY
        LlamaClient vllm = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(elsewhere.compatBaseUrl())
                .environment(env::get).build();
        elsewhere.enqueue(ScriptedReply.text("ok"));
        vllm.chat(REQUEST);
        assertThat(elsewhere.requests().get(0).header("Authorization")).isEqualTo("Bearer sk-openai-env");

        // the OpenAI dialect reads OPENAI_BASE_URL, not LLAMA_BASE_URL
        LlamaClient fromEnv = LlamaClient.builder().dialect(Dialect.OPENAI).environment(env::get).build();
        assertThat(fromEnv.baseUrl().toString()).isEqualTo(elsewhere.compatBaseUrl());

        // without OPENAI_API_KEY, a third-party server gets no key at all
        LlamaClient noKey = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(elsewhere.compatBaseUrl())
                .environment(Map.of("LLAMA_API_KEY", "sk-llama-env")::get).build();
        assertThat(noKey.hasApiKey()).isFalse();
        elsewhere.enqueue(ScriptedReply.text("ok"));
        noKey.chat(REQUEST);
        assertThat(elsewhere.requests().get(1).header("Authorization")).isNull();

        // the Llama API's own compat endpoint takes LLAMA_API_KEY, the native dialect always does
        assertThat(Dialect.OPENAI.apiKeyVariable(java.net.URI.create(LlamaClient.DEFAULT_COMPAT_BASE_URL))).isEqualTo("LLAMA_API_KEY");
        assertThat(LlamaClient.builder().dialect(Dialect.OPENAI).environment(Map.of("LLAMA_API_KEY", "sk-llama-env")::get)
                .build().hasApiKey()).isTrue();
        assertThat(Dialect.LLAMA.apiKeyVariable(java.net.URI.create("http://127.0.0.1:1/v1"))).isEqualTo("LLAMA_API_KEY");

        // a key in code is always used
        LlamaClient explicit = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(elsewhere.compatBaseUrl()).apiKey(KEY)
                .environment(env::get).build();
        elsewhere.enqueue(ScriptedReply.text("ok"));
        explicit.chat(REQUEST);
        assertThat(elsewhere.requests().get(2).header("Authorization")).isEqualTo("Bearer " + KEY);
    }
}
