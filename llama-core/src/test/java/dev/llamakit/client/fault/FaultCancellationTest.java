package dev.llamakit.client.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.Sleeper;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cancelling a call while it waits out a {@code 429 retry-after: 1} must stop the retry: the fault server sees no
 * request after the cancel (checked 2 s later, twice the wait). Real waits ({@link Sleeper#SYSTEM}) here, since
 * the point is what happens during one.
 */
class FaultCancellationTest {
    static final Duration BOUND = Duration.ofSeconds(10);
    static final Duration AFTER = Duration.ofSeconds(2);
    static final Duration IN_THE_WAIT = Duration.ofMillis(200);

    FaultServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
            assertThat(server.liveThreads()).as("fault server threads after close()").isEmpty();
        }
    }

    private LlamaClient client(Dialect dialect) {
        server = FaultServer.start("cancel").wire(dialect == Dialect.LLAMA ? FaultServer.Wire.NATIVE : FaultServer.Wire.OPENAI);
        return LlamaClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey("sk-test")
                .dialect(dialect)
                .timeout(Duration.ofSeconds(5))
                .maxRetries(2)
                .sleeper(Sleeper.SYSTEM)
                .build();
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("hello")).build();
    }

    /** Waits until the server has seen {@code n} requests, then a little more: the client is now in its retry wait. */
    private void awaitRetryWait(int n) throws InterruptedException {
        assertThat(server.awaitRequests(n, Duration.ofSeconds(5))).as("request %d arrived", n).isTrue();
        Thread.sleep(IN_THE_WAIT.toMillis());
    }

    private void assertNoRequestAfterCancel(int seenAtCancel) throws InterruptedException {
        Thread.sleep(AFTER.toMillis());
        assertThat(server.requestCount()).as("requests 2 s after the cancel (the retry was due 1 s after the 429)")
                .isEqualTo(seenAtCancel);
        assertThat(server.awaitQuiet(Duration.ofSeconds(2))).as("no connection left open").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void cancellingChatAsyncDuringA429WaitSendsNoFurtherRequest(Dialect dialect) {
        assertTimeoutPreemptively(BOUND, () -> {
            LlamaClient client = client(dialect);
            server.enqueue(Faults.tooManyRequests(1));
            CompletableFuture<ChatResponse> call = client.chatAsync(ask());
            awaitRetryWait(1);
            call.cancel(true);
            assertThat(call).isCancelled();
            assertNoRequestAfterCancel(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void cancellingStreamAsyncDuringA429WaitSendsNoFurtherRequest(Dialect dialect) {
        assertTimeoutPreemptively(BOUND, () -> {
            LlamaClient client = client(dialect);
            server.enqueue(Faults.tooManyRequests(1));
            CompletableFuture<ChatResponse> call = client.streamAsync(ask(), e -> { });
            awaitRetryWait(1);
            call.cancel(true);
            assertNoRequestAfterCancel(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void cancellingThePublishersSubscriptionDuringA429WaitSendsNoFurtherRequest(Dialect dialect) {
        assertTimeoutPreemptively(BOUND, () -> {
            LlamaClient client = client(dialect);
            server.enqueue(Faults.tooManyRequests(1));
            AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
            client.streamPublisher(ask()).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription.set(s);
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ChatStreamEvent item) {
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            awaitRetryWait(1);
            subscription.get().cancel();
            assertNoRequestAfterCancel(1);
        });
    }

    /**
     * The stream opens (200), breaks before its first event, and is reopened under the retry policy; the reopening
     * gets a 429 with {@code retry-after: 1}. Closing the stream from another thread during that wait must end the
     * iteration with a typed error and send nothing more.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void closingAChatStreamFromAnotherThreadDuringA429WaitSendsNoFurtherRequest(Dialect dialect) {
        assertTimeoutPreemptively(BOUND, () -> {
            LlamaClient client = client(dialect);
            server.enqueue(Faults.streamHeadThenReset(), Faults.tooManyRequests(1));
            ChatStream stream = client.stream(ask());
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    for (ChatStreamEvent ignored : stream) {
                        // read to the end
                    }
                    outcome.set(null);
                } catch (Throwable t) {
                    outcome.set(t);
                }
            }, "fault-cancel-reader");
            reader.start();
            awaitRetryWait(2);
            stream.close();
            reader.join(Duration.ofSeconds(3).toMillis());
            assertThat(reader.isAlive()).as("the reading thread ended after close()").isFalse();
            assertThat(outcome.get()).as("the iteration ends with a typed error").isInstanceOf(LlamaException.class);
            assertNoRequestAfterCancel(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void interruptingABlockedChatDuringA429WaitSendsNoFurtherRequest(Dialect dialect) {
        assertTimeoutPreemptively(BOUND, () -> {
            LlamaClient client = client(dialect);
            server.enqueue(Faults.tooManyRequests(1));
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    client.chat(ask());
                } catch (Throwable t) {
                    outcome.set(t);
                }
            }, "fault-cancel-caller");
            caller.start();
            awaitRetryWait(1);
            caller.interrupt();
            caller.join(Duration.ofSeconds(3).toMillis());
            assertThat(caller.isAlive()).isFalse();
            assertThat(outcome.get()).isInstanceOf(LlamaException.class);
            assertNoRequestAfterCancel(1);
        });
    }
}
