package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.AuthenticationException;
import dev.llamakit.client.error.BadRequestException;
import dev.llamakit.client.error.InternalServerException;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaTimeoutException;
import dev.llamakit.client.error.RateLimitException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The retry matrix, with an injected sleeper: no test waits for a backoff. */
class RetryTest {
    static final String KEY = "retry-test-key-42";
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));
    final RecordingSleeper sleeper = new RecordingSleeper();

    private LlamaClient.Builder clientBuilder() {
        return LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).sleeper(sleeper)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).random(() -> 0.5);
    }

    private static ChatRequest hello() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("hello")).build();
    }

    private LlamaTestServer server() {
        return extension.server();
    }

    @Test
    void rateLimitWithRetryAfterSecondsIsHonoured() {
        server().enqueue(ScriptedReply.status(429).withHeader("retry-after", "3"));
        ChatResponse response = clientBuilder().build().chat(hello());
        assertThat(response.text()).contains("hello");
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(3));
        assertThat(server().requestCount()).isEqualTo(2);
    }

    @Test
    void rateLimitWithRetryAfterDateIsHonoured() {
        server().enqueue(ScriptedReply.status(429).withHeader("Retry-After", "Wed, 25 Nov 2026 12:00:05 GMT"));
        clientBuilder().build().chat(hello());
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void retryAfterMillisecondsWins() {
        server().enqueue(ScriptedReply.status(429).withHeader("retry-after-ms", "120").withHeader("retry-after", "9"));
        clientBuilder().build().chat(hello());
        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(120));
    }

    @Test
    void serviceUnavailableIsRetriedWithExponentialBackoff() {
        server().enqueue(ScriptedReply.status(503));
        server().enqueue(ScriptedReply.status(502));
        clientBuilder().build().chat(hello());
        // random 0.5 → jitter factor 0.875
        assertThat(sleeper.waits()).containsExactly(Duration.ofMillis(437).plusNanos(500_000), Duration.ofMillis(875));
        assertThat(server().requestCount()).isEqualTo(3);
    }

    @Test
    void backoffStaysWithinBoundsForAnyJitter() {
        for (double r : new double[] {0.0, 0.25, 0.75, 0.999}) {
            RecordingSleeper s = new RecordingSleeper();
            server().enqueue(ScriptedReply.status(500));
            server().enqueue(ScriptedReply.status(500));
            LlamaClient.builder().baseUrl(server().baseUrl()).apiKey(KEY).sleeper(s).random(() -> r).build().chat(hello());
            assertThat(s.waits().get(0)).isBetween(Duration.ofMillis(375), Duration.ofMillis(500));
            assertThat(s.waits().get(1)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1000));
        }
    }

    @Test
    void serverErrorWithShouldRetryFalseIsNotRetried() {
        server().enqueue(ScriptedReply.status(500).withHeader("x-should-retry", "false"));
        assertThatThrownBy(() -> clientBuilder().build().chat(hello()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.status()).isEqualTo(500));
        assertThat(server().requestCount()).isEqualTo(1);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void shouldRetryTrueRetriesEvenABadRequest() {
        server().enqueue(ScriptedReply.status(400).withHeader("x-should-retry", "true"));
        clientBuilder().build().chat(hello());
        assertThat(server().requestCount()).isEqualTo(2);
    }

    @Test
    void badRequestAndAuthenticationErrorsAreNotRetried() {
        server().enqueue(ScriptedReply.status(400).withBody("{\"error\":{\"message\":\"temperature must be <= 1\"}}"));
        assertThatThrownBy(() -> clientBuilder().build().chat(hello()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("temperature must be <= 1");
        assertThat(server().requestCount()).isEqualTo(1);

        assertThatThrownBy(() -> LlamaClient.builder().baseUrl(server().baseUrl()).apiKey("wrong-key-000").sleeper(sleeper).build().chat(hello()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageNotContaining("wrong-key-000");
        assertThat(server().requestCount()).isEqualTo(2);
        assertThat(sleeper.waits()).isEmpty();
    }

    @Test
    void maxRetriesIsRespectedAndTheLastErrorIsThrown() {
        for (int i = 0; i < 5; i++) {
            server().enqueue(ScriptedReply.status(429).withHeader("retry-after", "1")
                    .withBody("{\"title\":\"Too Many Requests\",\"detail\":\"limit " + i + "\",\"status\":429}"));
        }
        assertThatThrownBy(() -> clientBuilder().build().chat(hello()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.serverMessage()).isEqualTo("Too Many Requests: limit 2");
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
                    assertThat(e.requestId()).isPresent();
                });
        assertThat(server().requestCount()).isEqualTo(3);
        assertThat(sleeper.waits()).hasSize(2);
    }

    @Test
    void perRequestMaxRetriesOverridesTheClient() {
        server().enqueue(ScriptedReply.status(503));
        server().enqueue(ScriptedReply.status(503));
        LlamaClient client = clientBuilder().maxRetries(5).build();
        assertThatThrownBy(() -> client.chat(hello(), RequestOptions.builder().maxRetries(1).build()))
                .isInstanceOf(InternalServerException.class);
        assertThat(server().requestCount()).isEqualTo(2);

        server().enqueue(ScriptedReply.status(503));
        assertThatThrownBy(() -> clientBuilder().maxRetries(0).build().chat(hello())).isInstanceOf(InternalServerException.class);
        assertThat(server().requestCount()).isEqualTo(3);
    }

    @Test
    void requestTimeoutAndConflictAreRetried() {
        server().enqueue(ScriptedReply.status(408));
        server().enqueue(ScriptedReply.status(409));
        clientBuilder().build().chat(hello());
        assertThat(server().requestCount()).isEqualTo(3);
    }

    @Test
    void connectionResetIsRetried() {
        server().enqueue(ScriptedReply.dropConnection());
        ChatResponse response = clientBuilder().build().chat(hello());
        assertThat(response.text()).contains("hello");
        assertThat(sleeper.waits()).hasSize(1);
    }

    @Test
    void aBodyCutShortIsAConnectionErrorAndRetried() {
        server().enqueue(ScriptedReply.dropMidBody());
        server().enqueue(ScriptedReply.dropMidBody());
        server().enqueue(ScriptedReply.dropMidBody());
        assertThatThrownBy(() -> clientBuilder().build().chat(hello()))
                .isInstanceOf(LlamaConnectionException.class)
                .hasMessageContaining("127.0.0.1");
        assertThat(sleeper.waits()).hasSize(2);
    }

    @Test
    void readTimeoutIsRetriedThenReported() {
        // the server waits far longer than the client's timeout; nothing here measures elapsed time
        server().enqueue(ScriptedReply.text("late").withDelay(Duration.ofSeconds(30)));
        ChatResponse response = clientBuilder().build().chat(hello(), RequestOptions.builder().timeout(Duration.ofMillis(300)).build());
        assertThat(response.text()).contains("hello");
        assertThat(sleeper.waits()).hasSize(1);

        server().enqueue(ScriptedReply.text("late").withDelay(Duration.ofSeconds(30)));
        assertThatThrownBy(() -> clientBuilder().maxRetries(0).timeout(Duration.ofMillis(300)).build().chat(hello()))
                .isInstanceOf(LlamaTimeoutException.class)
                .hasMessageContaining("timed out");
    }

    @Test
    void anUnreachableServerIsAConnectionError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LlamaClient client = LlamaClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(KEY).sleeper(sleeper).build();
        assertThatThrownBy(() -> client.chat(hello()))
                .isInstanceOf(LlamaConnectionException.class)
                .hasMessageContaining("127.0.0.1:" + port);
        assertThat(sleeper.waits()).hasSize(2);
    }
}
