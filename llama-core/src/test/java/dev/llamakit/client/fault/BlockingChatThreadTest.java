package dev.llamakit.client.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.DelegatingHttpClient;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.error.LlamaTimeoutException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A blocking {@code chat} runs its attempts on the calling thread with the JDK client's {@code send} (a
 * {@code sendAsync} would complete on another thread: on 2 cores a new thread per call, about 0.3 ms); its timeout
 * interrupts that send, and the interrupt never outlives the call.
 */
class BlockingChatThreadTest {
    static final Duration BOUND = Duration.ofSeconds(10);

    FaultServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("hello")).build();
    }

    @Test
    void aBlockingChatSendsOnTheCallingThreadAndAnAsyncOneDoesNot() {
        server = FaultServer.start("blocking").wire(FaultServer.Wire.OPENAI);
        CountingClient http = new CountingClient(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build());
        LlamaClient client = LlamaClient.builder().dialect(Dialect.OPENAI)
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1").httpClient(http).maxRetries(0).build();
        server.enqueue(Faults.normal());
        assertThat(client.chat(ask()).text()).isNotEmpty();
        assertThat(http.sends.get()).isEqualTo(1);
        assertThat(http.asyncSends.get()).isZero();
        server.enqueue(Faults.normal());
        assertThat(client.chatAsync(ask()).join().text()).isNotEmpty();
        assertThat(http.asyncSends.get()).isEqualTo(1);
    }

    @Test
    void aTimedOutBlockingChatLeavesTheThreadUninterruptedAndUsable() {
        assertTimeoutPreemptively(BOUND, () -> {
            server = FaultServer.start("blocking-timeout").wire(FaultServer.Wire.OPENAI);
            LlamaClient client = LlamaClient.builder().dialect(Dialect.OPENAI)
                    .baseUrl("http://127.0.0.1:" + server.port() + "/v1").timeout(Duration.ofMillis(300))
                    .maxRetries(0).build();
            server.enqueue(Faults.stallMidBody());
            assertThatThrownBy(() -> client.chat(ask())).isInstanceOf(LlamaTimeoutException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("interrupted after the timeout").isFalse();
            server.enqueue(Faults.stallBeforeHeaders());
            assertThatThrownBy(() -> client.chat(ask())).isInstanceOf(LlamaTimeoutException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("interrupted after the timeout").isFalse();
            server.enqueue(Faults.normal());
            assertThat(client.chat(ask()).text()).isNotEmpty();
            Thread.sleep(500); // past the timeout of the last call: its timer must not fire into this thread
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        });
    }

    /** A JDK client that counts how it is asked to send. */
    static final class CountingClient extends DelegatingHttpClient {
        final AtomicInteger sends = new AtomicInteger();
        final AtomicInteger asyncSends = new AtomicInteger();

        CountingClient(HttpClient delegate) {
            super(delegate);
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            sends.incrementAndGet();
            return delegate.send(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            asyncSends.incrementAndGet();
            return delegate.sendAsync(request, handler);
        }
    }
}
