package dev.llamakit.client.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.error.LlamaException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Credentials stay with their origin (design decision 11): a 307 from {@code http://127.0.0.1:P1} to
 * {@code http://localhost:P2}, or even to {@code http://localhost:P1} (same port, other host), must not carry the
 * API key. The call may fail with a typed error or proceed without the key; either way the other origin never sees
 * {@code Authorization}.
 */
class FaultRedirectTest {
    static final String KEY = "sk-test";
    static final Duration BOUND = Duration.ofSeconds(10);

    FaultServer first;
    FaultServer other;

    @AfterEach
    void close() {
        for (FaultServer s : new FaultServer[] {first, other}) {
            if (s != null) {
                s.close();
                assertThat(s.liveThreads()).isEmpty();
            }
        }
    }

    private static LlamaClient client(FaultServer server, Dialect dialect) {
        return LlamaClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey(KEY)
                .dialect(dialect)
                .timeout(Duration.ofSeconds(2))
                .maxRetries(1)
                .sleeper(d -> { })
                .build();
    }

    private static FaultServer.Wire wire(Dialect d) {
        return d == Dialect.LLAMA ? FaultServer.Wire.NATIVE : FaultServer.Wire.OPENAI;
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("hello")).build();
    }

    /** Runs the call; a typed failure is acceptable, anything else is not. */
    private static void callAllowingTypedFailure(LlamaClient client, boolean stream) {
        try {
            if (stream) {
                try (ChatStream s = client.stream(ask())) {
                    s.collect();
                }
            } else {
                client.chat(ask());
            }
        } catch (LlamaException typed) {
            // refusing the cross-origin hop is a correct outcome
        }
    }

    @ParameterizedTest(name = "{0} stream={1} status={2}")
    @CsvSource({"LLAMA,false,307", "LLAMA,true,307", "OPENAI,false,307", "OPENAI,true,307",
            "LLAMA,false,308", "OPENAI,true,308"})
    void aRedirectToAnotherHostAndPortNeverCarriesTheKey(Dialect dialect, boolean stream, int status) {
        assertTimeoutPreemptively(BOUND, () -> {
            first = FaultServer.start("redirect-from").wire(wire(dialect));
            other = FaultServer.startLocalhost("redirect-to").wire(wire(dialect));
            first.enqueue(Faults.redirect(status, other.origin(), ""));
            callAllowingTypedFailure(client(first, dialect), stream);
            assertThat(first.requests()).hasSize(1);
            assertThat(first.requests().get(0).header("authorization")).isEqualTo("Bearer " + KEY);
            List<RecordedRequest> seen = other.requests();
            assertThat(seen).as("the other origin saw at most the redirected request").hasSizeLessThanOrEqualTo(1);
            assertThat(seen).as("requests at %s", other.origin()).noneMatch(r -> r.has("authorization"));
            assertThat(seen).noneMatch(r -> r.bodyText().contains(KEY) || r.target().contains(KEY));
        });
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @CsvSource({"LLAMA,false", "OPENAI,true"})
    void aRedirectToTheSamePortUnderAnotherHostNameNeverCarriesTheKey(Dialect dialect, boolean stream) {
        assertTimeoutPreemptively(BOUND, () -> {
            first = FaultServer.start("same-port").wire(wire(dialect));
            first.enqueue(Faults.redirect(307, "http://localhost:" + first.port(), ""));
            callAllowingTypedFailure(client(first, dialect), stream);
            List<RecordedRequest> seen = first.requests();
            assertThat(seen.get(0).header("host")).isEqualTo("127.0.0.1:" + first.port());
            assertThat(seen.subList(1, seen.size()))
                    .as("requests addressed to localhost:%d, another origin than 127.0.0.1:%d", first.port(), first.port())
                    .allSatisfy(r -> {
                        assertThat(r.header("host")).isEqualTo("localhost:" + first.port());
                        assertThat(r.has("authorization")).as("Authorization sent to " + r.header("host")).isFalse();
                    });
        });
    }
}
