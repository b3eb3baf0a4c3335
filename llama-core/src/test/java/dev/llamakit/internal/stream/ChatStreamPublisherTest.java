package dev.llamakit.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.internal.http.Cancellation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The publisher's Reactive Streams duties that the TCK cannot pin down deterministically. */
@Timeout(30)
class ChatStreamPublisherTest {
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    /** Waits until every read and signal the publisher started on the executor has ended. */
    private void quiesce() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBadRequestDuringOnNextIsSignalledAfterOnNextReturnsNotConcurrently() throws Exception {
        CountDownLatch inOnNext = new CountDownLatch(1);
        CountDownLatch leaveOnNext = new CountDownLatch(1);
        Recorder recorder = new Recorder(1) {
            @Override
            void whileInOnNext() throws InterruptedException {
                inOnNext.countDown();
                assertThat(leaveOnNext.await(10, TimeUnit.SECONDS)).isTrue();
            }
        };
        CountDownLatch subscribed = new CountDownLatch(1);
        new ChatStreamPublisher(c -> {
            // opened only after subscribe() returned, so that onNext runs on the reader thread, not on this one
            await(subscribed);
            return new CountingChatStream(5);
        }, executor).subscribe(recorder);
        subscribed.countDown();
        assertThat(inOnNext.await(10, TimeUnit.SECONDS)).isTrue();

        recorder.subscription.request(0);   // the reader thread is inside onNext right now
        assertThat(recorder.signals).as("nothing signalled while onNext runs").containsExactly("onSubscribe", "onNext 0");
        leaveOnNext.countDown();

        assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
        quiesce();
        assertThat(recorder.overlapped).as("a signal entered while another ran (rule 1.3)").isFalse();
        assertThat(recorder.signals).containsExactly("onSubscribe", "onNext 0", "onError IllegalArgumentException");
        assertThat(recorder.error.get()).hasMessageContaining("3.9");
    }

    @Test
    void aNonPositiveRequestIsSignalledOnceAndStopsEverything() throws Exception {
        CountingChatStream stream = new CountingChatStream(10);
        AtomicReference<Cancellation> call = new AtomicReference<>();
        Recorder recorder = new Recorder(0);
        new ChatStreamPublisher(c -> {
            call.set(c);
            return stream;
        }, executor).subscribe(recorder);
        recorder.subscription.request(-1);
        recorder.subscription.request(0);
        recorder.subscription.request(5);
        recorder.subscription.cancel();
        assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
        quiesce();
        assertThat(recorder.signals).containsExactly("onSubscribe", "onError IllegalArgumentException");
        assertThat(recorder.error.get()).hasMessageContaining("-1");
        assertThat(stream.read()).isZero();
        if (call.get() != null) {
            assertThat(call.get().isCancelled()).isTrue();
            assertThat(stream.closed()).isTrue();
        }
    }

    @Test
    void cancelStopsACallThatIsStillOpening() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        AtomicReference<Cancellation> call = new AtomicReference<>();
        Recorder recorder = new Recorder(1);
        new ChatStreamPublisher(c -> {
            call.set(c);
            opening.countDown();
            c.signal().join();   // an opener waiting for headers, or for a retry, ends when the call is cancelled
            throw new StreamCancelledException("cancelled while opening", null);
        }, executor).subscribe(recorder);
        assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(call.get().isCancelled()).isFalse();

        recorder.subscription.cancel();
        recorder.subscription.cancel();
        quiesce();
        assertThat(call.get().isCancelled()).isTrue();
        assertThat(recorder.signals).as("no signal after cancel").containsExactly("onSubscribe");
    }

    @Test
    void cancelClosesAnOpenStreamAndReadsNothingBeyondDemand() throws Exception {
        CountingChatStream stream = new CountingChatStream(1_000);
        AtomicReference<Cancellation> call = new AtomicReference<>();
        CountDownLatch three = new CountDownLatch(3);
        Recorder recorder = new Recorder(3) {
            @Override
            void whileInOnNext() {
                three.countDown();
            }
        };
        new ChatStreamPublisher(c -> {
            call.set(c);
            return stream;
        }, executor).subscribe(recorder);
        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        recorder.subscription.cancel();
        recorder.subscription.request(10);
        quiesce();
        assertThat(stream.read()).isEqualTo(3);
        assertThat(stream.closed()).isTrue();
        assertThat(call.get().isCancelled()).isTrue();
        assertThat(recorder.signals).containsExactly("onSubscribe", "onNext 0", "onNext 1", "onNext 2");
    }

    @Test
    void requestsFromOnNextDoNotRecurseEvenOnTheCallersThread() {
        int size = 20_000;
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        Recorder recorder = new Recorder(1) {
            @Override
            void whileInOnNext() {
                deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
                subscription.request(1);
                depth.decrementAndGet();
            }
        };
        // a same-thread executor: everything runs inside subscribe(), so recursion would show as depth
        new ChatStreamPublisher(c -> new CountingChatStream(size), Runnable::run).subscribe(recorder);
        assertThat(recorder.done.getCount()).isZero();
        assertThat(deepest.get()).isEqualTo(1);
        assertThat(recorder.signals).hasSize(size + 2).endsWith("onComplete");
        assertThat(recorder.overlapped).isFalse();
    }

    @Test
    void aFailingOpenerIsSignalledAfterOnSubscribeWithoutDemand() throws Exception {
        Recorder recorder = new Recorder(0);
        new ChatStreamPublisher(c -> {
            throw new IllegalStateException("no key");
        }, executor).subscribe(recorder);
        assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
        quiesce();
        assertThat(recorder.signals).containsExactly("onSubscribe", "onError IllegalStateException");
    }

    @Test
    void aSubscriberThatThrowsFromOnNextIsCancelledAndToldWhy() throws Exception {
        CountingChatStream stream = new CountingChatStream(10);
        Recorder recorder = new Recorder(5) {
            @Override
            void whileInOnNext() {
                throw new ArithmeticException("subscriber bug");
            }
        };
        new ChatStreamPublisher(c -> stream, executor).subscribe(recorder);
        assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
        quiesce();
        assertThat(recorder.signals).containsExactly("onSubscribe", "onNext 0", "onError ArithmeticException");
        assertThat(stream.closed()).isTrue();
        assertThat(stream.read()).isEqualTo(1);
    }

    @Test
    void nothingFollowsCompletion() throws Exception {
        Recorder recorder = new Recorder(10);
        new ChatStreamPublisher(c -> new CountingChatStream(2), executor).subscribe(recorder);
        assertThat(recorder.done.await(10, TimeUnit.SECONDS)).isTrue();
        recorder.subscription.request(5);
        recorder.subscription.request(-5);
        recorder.subscription.cancel();
        quiesce();
        assertThat(recorder.signals).containsExactly("onSubscribe", "onNext 0", "onNext 1", "onComplete");
    }

    @Test
    void aNullSubscriberIsRefused() {
        ChatStreamPublisher publisher = new ChatStreamPublisher(c -> new CountingChatStream(1), executor);
        assertThatThrownBy(() -> publisher.subscribe(null)).isInstanceOf(NullPointerException.class);
    }

    /** Records signals in order, requests {@code initial} in onSubscribe, and notices overlapping signals. */
    private static class Recorder implements Flow.Subscriber<ChatStreamEvent> {
        final List<String> signals = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        private final AtomicBoolean inside = new AtomicBoolean();
        private final long initial;
        volatile boolean overlapped;
        volatile Flow.Subscription subscription;

        Recorder(long initial) {
            this.initial = initial;
        }

        void whileInOnNext() throws InterruptedException {
        }

        private void enter(String signal) {
            if (!inside.compareAndSet(false, true)) {
                overlapped = true;
            }
            signals.add(signal);
        }

        private void leave() {
            inside.set(false);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            enter("onSubscribe");
            subscription = s;
            if (initial > 0) {
                s.request(initial);
            }
            leave();
        }

        @Override
        public void onNext(ChatStreamEvent item) {
            enter("onNext " + ((ChatStreamEvent.TextDelta) item).text());
            try {
                whileInOnNext();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                leave();
            }
        }

        @Override
        public void onError(Throwable t) {
            enter("onError " + t.getClass().getSimpleName());
            error.set(t);
            leave();
            done.countDown();
        }

        @Override
        public void onComplete() {
            enter("onComplete");
            leave();
            done.countDown();
        }
    }
}
