package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.InternalServerException;
import dev.llamakit.client.error.LlamaConfigurationException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClientConfigurationTest {
    static final String KEY = "config-test-key-777";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private static ChatRequest hello() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("hello")).build();
    }

    @Test
    void readsKeyAndBaseUrlFromTheEnvironment() {
        Map<String, String> env = Map.of("LLAMA_API_KEY", KEY, "LLAMA_BASE_URL", extension.server().baseUrl() + "/");
        LlamaClient client = LlamaClient.builder().environment(env::get).build();
        assertThat(client.baseUrl().toString()).isEqualTo(extension.server().baseUrl());
        assertThat(client.chat(hello()).text()).contains("hello");
        assertThat(extension.server().takeRequest().header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void theSdkBaseUrlVariableIsAFallback() {
        Map<String, String> env = Map.of("LLAMA_API_CLIENT_BASE_URL", extension.server().baseUrl());
        assertThat(LlamaClient.builder().environment(env::get).build().baseUrl().toString()).isEqualTo(extension.server().baseUrl());
    }

    @Test
    void builderValuesWinOverTheEnvironment() {
        Map<String, String> env = Map.of("LLAMA_API_KEY", "env-key-should-lose", "LLAMA_BASE_URL", "http://192.0.2.1:9/v1");
        LlamaClient client = LlamaClient.builder().environment(env::get).apiKey(KEY).baseUrl(extension.server().baseUrl()).build();
        client.chat(hello());
        assertThat(extension.server().takeRequest().header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void defaultsPointAtTheLlamaApi() {
        assertThat(LlamaClient.builder().environment(n -> null).build().baseUrl().toString()).isEqualTo("https://api.llama.com/v1");
        assertThat(LlamaClient.builder().environment(n -> null).dialect(Dialect.OPENAI).build().baseUrl().toString())
                .isEqualTo("https://api.llama.com/compat/v1");
        assertThat(LlamaClient.builder().environment(n -> null).build().dialect()).isEqualTo(Dialect.LLAMA);
    }

    @Test
    void aMissingKeyFailsAtTheFirstRequestSayingHowToSetIt() {
        LlamaClient client = LlamaClient.builder().environment(n -> null).baseUrl(extension.server().baseUrl()).build();
        assertThat(client.hasApiKey()).isFalse();
        assertThatThrownBy(() -> client.chat(hello()))
                .isInstanceOf(LlamaConfigurationException.class)
                .hasMessageContaining("LLAMA_API_KEY")
                .hasMessageContaining("apiKey(");
        assertThat(extension.server().requestCount()).isZero();
    }

    @Test
    void rejectsBadSettingsClearly() {
        assertThatThrownBy(() -> LlamaClient.builder().baseUrl("api.llama.com/v1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> LlamaClient.builder().baseUrl("ftp://x/v1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaClient.builder().baseUrl("https://x/v1?key=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaClient.builder().apiKey(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaClient.builder().apiKey(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LlamaClient.builder().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaClient.builder().maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LlamaClient.builder().header("Authorization", "Bearer x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiKey");
        Map<String, String> env = Map.of("LLAMA_BASE_URL", "not a url");
        assertThatThrownBy(() -> LlamaClient.builder().environment(env::get).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LLAMA_BASE_URL");
    }

    @Test
    void sendsClientAndRequestHeadersWithRequestHeadersWinning() {
        LlamaClient client = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY)
                .header("X-Team", "search").header("X-Trace", "client").build();
        client.chat(hello(), RequestOptions.builder().header("X-Trace", "request").build());
        RecordedRequest recorded = extension.server().takeRequest();
        assertThat(recorded.header("X-Team")).isEqualTo("search");
        assertThat(recorded.header("X-Trace")).isEqualTo("request");
    }

    @Test
    void newBuilderDerivesAVariantAndLeavesTheOriginalAlone() {
        LlamaClient original = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).maxRetries(0).build();
        LlamaClient variant = original.newBuilder().maxRetries(3).sleeper(new RecordingSleeper()).header("X-Variant", "yes").build();

        extension.server().enqueue(ScriptedReply.status(503));
        assertThat(variant.chat(hello()).text()).contains("hello");
        assertThat(extension.server().takeRequest().header("X-Variant")).isEqualTo("yes");
        extension.server().takeRequest();

        extension.server().enqueue(ScriptedReply.status(503));
        assertThatThrownBy(() -> original.chat(hello())).isInstanceOf(InternalServerException.class);
        assertThat(extension.server().takeRequest().header("X-Variant")).isNull();
        assertThat(variant.baseUrl()).isEqualTo(original.baseUrl());
    }

    @Test
    void followsTemporaryAndPermanentRedirectsKeepingMethodAndBody() {
        extension.server().enqueue(ScriptedReply.redirect(307, "/v1/chat/completions"));
        extension.server().enqueue(ScriptedReply.redirect(308, "/v1/chat/completions"));
        LlamaClient client = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build();
        assertThat(client.chat(hello()).text()).contains("hello");
        assertThat(extension.server().requests()).hasSize(3).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.json().get("messages").get(0).get("content").asText()).isEqualTo("hello");
        });
    }

    @Test
    void toStringNeverShowsTheKey() {
        LlamaClient.Builder builder = LlamaClient.builder().apiKey(KEY).baseUrl(extension.server().baseUrl());
        LlamaClient client = builder.build();
        assertThat(client.toString()).doesNotContain(KEY).contains("***");
        assertThat(builder.toString()).doesNotContain(KEY);
        assertThat(client.newBuilder().toString()).doesNotContain(KEY);
    }

    @Test
    void theClientIsSafeToShareAcrossThreads() throws Exception {
        LlamaClient client = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<String>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String text = "question " + i;
                replies.add(pool.submit(() -> client.chat(ChatRequest.builder().model("Llama-3.3-8B-Instruct")
                        .addMessage(Message.user(text)).build()).text()));
            }
            for (int i = 0; i < 32; i++) {
                assertThat(replies.get(i).get()).contains("question " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(extension.server().requestCount()).isEqualTo(32);
    }
}
