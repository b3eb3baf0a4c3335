package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.TruncatedStreamException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.StreamOutcome;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streams that outlive the timeout, streams and calls that are abandoned, and the usage switch. */
class StreamLifecycleTest {
    static final String KEY = "lifecycle-key-3141";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private LlamaClient.Builder client(Dialect dialect) {
        LlamaTestServer server = extension.server();
        return LlamaClient.builder().dialect(dialect).apiKey(KEY).sleeper(new RecordingSleeper())
                .baseUrl(dialect == Dialect.LLAMA ? server.baseUrl() : server.compatBaseUrl());
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user("go on")).build();
    }

    static String textEvent(Dialect dialect, String text) {
        return dialect == Dialect.LLAMA
                ? "data: {\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"" + text + "\"}}}\n\n"
                : "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                        + text + "\"},\"finish_reason\":null}]}\n\n";
    }

    static String endEvents(Dialect dialect) {
        return dialect == Dialect.LLAMA
                ? "data: {\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},\"stop_reason\":\"stop\"}}\n\n"
                : "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},"
                        + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    }

    /** A generation longer than the timeout is bounded by idleness only (JDK 26 would cut it with a request timeout). */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aStreamLongerThanTheTimeoutCompletes(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.sseRepeating(textEvent(dialect, "x"), 30, endEvents(dialect))
                .withEventDelay(Duration.ofMillis(100)));
        LlamaClient client = client(dialect).timeout(Duration.ofSeconds(1)).maxRetries(0).build();

        try (ChatStream stream = client.stream(ask())) {
            assertThat(stream.collect().text()).isEqualTo("x".repeat(30));
        }
    }

    /** A stream dropped after {@code findFirst()} is closed once unreachable: the server sees the client leave. */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anAbandonedStreamFreesItsConnection(Dialect dialect) throws Exception {
        extension.server().enqueue(ScriptedReply.sseRepeating(textEvent(dialect, "y"), 5_000, endEvents(dialect))
                .withEventDelay(Duration.ofMillis(20)));
        ChatListenerTest.Recorder recorder = new ChatListenerTest.Recorder();
        LlamaClient client = client(dialect).listener(recorder).build();

        assertThat(firstDelta(client)).contains("y");

        assertThat(gcUntil(() -> !extension.server().streamOutcomes().isEmpty()))
                .as("the abandoned stream was closed").isTrue();
        StreamOutcome outcome = extension.server().streamOutcomes().get(0);
        assertThat(outcome.clientDisconnected()).isTrue();
        assertThat(outcome.eventsWritten()).isLessThan(5_000);
        assertThat(gcUntil(() -> recorder.lines.stream().anyMatch(l -> l.startsWith("error")))).isTrue();
        assertThat(recorder.lines).filteredOn(l -> l.startsWith("error") || l.startsWith("response")).hasSize(1);
    }

    private static Optional<String> firstDelta(LlamaClient client) {
        return client.stream(ask()).textDeltas().findFirst(); // neither the stream nor the Java Stream is closed
    }

    /** A finished {@code chatAsync} does not stay reachable until its timeout would have fired (an hour here). */
    @Test
    void aFinishedAsyncCallIsNotKeptByItsTimer() throws Exception {
        Capturing http = new Capturing(HttpClient.newHttpClient());
        LlamaClient client = client(Dialect.OPENAI).httpClient(http).timeout(Duration.ofHours(1)).build();
        extension.server().enqueue(ScriptedReply.text("kept?"));

        assertThat(client.chatAsync(ask()).get().text()).isEqualTo("kept?");

        assertThat(http.exchanges).hasSize(1);
        WeakReference<?> exchange = http.exchanges.get(0);
        assertThat(gcUntil(() -> exchange.get() == null)).as("the exchange was collected").isTrue();
    }

    @Test
    void streamUsageCanBeSwitchedOffForServersThatRejectIt() throws Exception {
        extension.server().enqueue(ScriptedReply.text("a"));
        extension.server().enqueue(ScriptedReply.text("b"));
        try (ChatStream s = client(Dialect.OPENAI).build().stream(ask())) {
            s.collect();
        }
        try (ChatStream s = client(Dialect.OPENAI).streamUsage(false).build().stream(ask())) {
            assertThat(s.collect().text()).isEqualTo("b");
        }
        assertThat(extension.server().requests().get(0).json().has("stream_options")).isTrue();
        assertThat(extension.server().requests().get(1).json().has("stream_options")).isFalse();
    }

    /** A stream that ends cleanly before its end marker, and one whose connection drops: one outcome each. */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aTruncatedStreamReachesTheListenersOnce(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.sse(List.of(textEvent(dialect, "cut"))));
        extension.server().enqueue(ScriptedReply.sseThenDrop(List.of(textEvent(dialect, "cut"))));
        for (int i = 0; i < 2; i++) {
            ChatListenerTest.Recorder recorder = new ChatListenerTest.Recorder();
            LlamaClient client = client(dialect).listener(recorder).build();
            try (ChatStream stream = client.stream(ask())) {
                assertThatThrownBy(stream::collect).isInstanceOf(TruncatedStreamException.class);
            }
            assertThat(recorder.lines).filteredOn(l -> l.startsWith("error") || l.startsWith("response"))
                    .containsExactly("error TruncatedStreamException");
        }
    }

    /** Runs the collector until {@code condition} holds; false if it never does within 20 s. */
    static boolean gcUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            System.gc();
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }

    /** A JDK client that remembers each exchange weakly, to see whether anything keeps it alive. */
    static final class Capturing extends DelegatingHttpClient {
        final List<WeakReference<CompletableFuture<?>>> exchanges = new java.util.concurrent.CopyOnWriteArrayList<>();

        Capturing(HttpClient delegate) {
            super(delegate);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            CompletableFuture<HttpResponse<T>> f = delegate.sendAsync(request, handler);
            exchanges.add(new WeakReference<>(f));
            return f;
        }
    }
}
