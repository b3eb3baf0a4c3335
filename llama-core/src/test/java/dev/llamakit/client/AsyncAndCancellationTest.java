package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaTimeoutException;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.client.error.TruncatedStreamException;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.StreamOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Async calls, callbacks, the Flow publisher, and cancellation seen from the server. */
class AsyncAndCancellationTest {
    static final String KEY = "async-test-key-1414";
    static final Duration WAIT = Duration.ofSeconds(20);
    /** A native text event; repeated, it makes a long stream. */
    static final String EVENT = "data: {\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\"tick \"}}}\n\n";
    static final String END = "data: {\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},\"stop_reason\":\"stop\"}}\n\n";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));
    final RecordingSleeper sleeper = new RecordingSleeper();

    private LlamaClient client() {
        return LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).sleeper(sleeper).build();
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user(text)).build();
    }

    @Test
    void closingAStreamFromAnotherThreadFailsTheIterationInsteadOfEndingItQuietly() throws Exception {
        extension.server().enqueue(ScriptedReply.sseRepeating(EVENT, 200_000, END));
        ChatStream stream = client().stream(ask("long"));
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> stream.onText(t -> {
            text.append(t);
            if (text.length() == "tick tick ".length()) {
                Thread closer = new Thread(stream::close); // as a Ctrl-C handler does
                closer.start();
                try {
                    closer.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        })).isInstanceOf(StreamCancelledException.class)
                .satisfies(e -> assertThat(((StreamCancelledException) e).partial().text()).startsWith("tick tick "));
        assertThatThrownBy(stream::collect).as("every later call fails the same way")
                .isInstanceOf(StreamCancelledException.class);
        assertThat(extension.server().takeStreamOutcome(WAIT).clientDisconnected()).isTrue();
    }

    @Test
    void closingAFinishedStreamChangesNothing() {
        ChatStream stream = client().stream(ask("short"));
        ChatResponse reply = stream.collect();
        stream.close();
        assertThat(reply.text()).isEqualTo("Echo: short");
    }

    @Test
    void chatAsyncCompletesWithTheReply() throws Exception {
        ChatResponse response = client().chatAsync(ask("async hello")).get(20, TimeUnit.SECONDS);
        assertThat(response.text()).isEqualTo("Echo: async hello");
    }

    @Test
    void chatAsyncRetriesWithoutBlockingAndReportsTypedErrors() throws Exception {
        extension.server().enqueue(ScriptedReply.status(429).withHeader("retry-after", "2"));
        assertThat(client().chatAsync(ask("after 429")).get(20, TimeUnit.SECONDS).text()).contains("after 429");
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(2));

        extension.server().enqueue(ScriptedReply.status(404));
        assertThatThrownBy(() -> client().chatAsync(ask("x")).get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotFoundException.class);

        extension.server().enqueue(ScriptedReply.dropConnection());
        extension.server().enqueue(ScriptedReply.dropConnection());
        extension.server().enqueue(ScriptedReply.dropConnection());
        assertThatThrownBy(() -> client().chatAsync(ask("x")).get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(LlamaConnectionException.class);
    }

    @Test
    void chatAsyncTimesOutPerAttempt() {
        extension.server().enqueue(ScriptedReply.text("late").withDelay(Duration.ofSeconds(30)));
        CompletableFuture<ChatResponse> f = client().chatAsync(ask("x"),
                RequestOptions.builder().timeout(Duration.ofMillis(300)).maxRetries(0).build());
        assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(LlamaTimeoutException.class);
    }

    @Test
    void cancellingTheFutureCancelsTheRequestAndNeverRetries() throws Exception {
        extension.server().enqueue(ScriptedReply.text("never seen").withDelay(Duration.ofSeconds(30)));
        CompletableFuture<ChatResponse> f = client().chatAsync(ask("cancel me"));
        extension.server().takeRequest(WAIT);
        assertThat(f.cancel(true)).isTrue();
        assertThat(f).isCancelled();
        // the next call is served at once: the cancelled one does not come back as a retry
        assertThat(client().chat(ask("next")).text()).isEqualTo("Echo: next");
        assertThat(extension.server().requestCount()).isEqualTo(2);
    }

    @Test
    void closingAStreamEarlyClosesTheConnection() throws Exception {
        extension.server().enqueue(ScriptedReply.sseRepeating(EVENT, 200_000, END));
        int read = 0;
        try (ChatStream stream = client().stream(ask("long"))) {
            for (ChatStreamEvent event : stream) {
                if (++read == 10) {
                    break;
                }
            }
        }
        StreamOutcome outcome = extension.server().takeStreamOutcome(WAIT);
        assertThat(outcome.clientDisconnected()).isTrue();
        assertThat(outcome.eventsWritten()).isLessThan(200_000);
    }

    @Test
    void streamAsyncCallsBackAndCancellationClosesTheStream() throws Exception {
        extension.server().enqueue(ScriptedReply.text("alpha beta gamma"));
        List<String> texts = Collections.synchronizedList(new ArrayList<>());
        ChatResponse done = client().streamAsync(ask("x"), e -> {
            if (e instanceof ChatStreamEvent.TextDelta d) {
                texts.add(d.text());
            }
        }).get(20, TimeUnit.SECONDS);
        assertThat(String.join("", texts)).isEqualTo("alpha beta gamma");
        assertThat(done.text()).isEqualTo("alpha beta gamma");
        assertThat(extension.server().takeStreamOutcome(WAIT).completed()).isTrue();

        extension.server().enqueue(ScriptedReply.sseRepeating(EVENT, 200_000, END));
        CountDownLatch firstEvent = new CountDownLatch(1);
        CompletableFuture<ChatResponse> f = client().streamAsync(ask("long"), e -> firstEvent.countDown());
        assertThat(firstEvent.await(20, TimeUnit.SECONDS)).isTrue();
        f.cancel(true);
        StreamOutcome outcome = extension.server().takeStreamOutcome(WAIT);
        assertThat(outcome.clientDisconnected()).isTrue();
    }

    @Test
    void thePublisherHonoursDemandAndCancels() throws Exception {
        extension.server().enqueue(ScriptedReply.sseRepeating(EVENT, 200_000, END));
        List<ChatStreamEvent> received = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        CountDownLatch three = new CountDownLatch(3);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        client().streamPublisher(ask("long")).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(3);
            }

            @Override
            public void onNext(ChatStreamEvent item) {
                received.add(item);
                three.countDown();
            }

            @Override
            public void onError(Throwable t) {
                failure.set(t);
            }

            @Override
            public void onComplete() {
            }
        });
        assertThat(three.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(extension.server().streamOutcomes()).as("the stream is held open, not drained").isEmpty();
        subscription.get().cancel();
        StreamOutcome outcome = extension.server().takeStreamOutcome(WAIT);
        assertThat(outcome.clientDisconnected()).isTrue();
        assertThat(received).hasSize(3);
        assertThat(received.get(0)).isInstanceOf(ChatStreamEvent.Start.class);
        assertThat(failure.get()).isNull();
    }

    @Test
    void thePublisherDeliversAWholeStreamOneByOne() throws Exception {
        extension.server().enqueue(ScriptedReply.text("a b c d e"));
        List<ChatStreamEvent> received = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch complete = new CountDownLatch(1);
        client().streamPublisher(ask("x")).subscribe(new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                s = subscription;
                s.request(1);
            }

            @Override
            public void onNext(ChatStreamEvent item) {
                received.add(item);
                s.request(1);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
                complete.countDown();
            }
        });
        assertThat(complete.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(received.get(0)).isInstanceOf(ChatStreamEvent.Start.class);
        assertThat(received).filteredOn(ChatStreamEvent.Complete.class::isInstance).hasSize(1);
    }

    @Test
    void aStalledStreamTimesOut() {
        extension.server().enqueue(ScriptedReply.sse(List.of(EVENT, EVENT, END)).withEventDelay(Duration.ofSeconds(30)));
        LlamaClient client = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).sleeper(sleeper)
                .timeout(Duration.ofMillis(500)).maxRetries(0).build();
        try (ChatStream stream = client.stream(ask("x"))) {
            assertThatThrownBy(stream::collect).isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
                assertThat(e.getMessage()).contains("no data arrived");
                assertThat(e.getCause()).isInstanceOf(LlamaTimeoutException.class);
            });
        }
    }
}
