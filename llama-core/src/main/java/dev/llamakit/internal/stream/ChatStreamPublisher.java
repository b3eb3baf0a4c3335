package dev.llamakit.internal.stream;

import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import dev.llamakit.internal.http.Cancellation;

/**
 * A cold {@link Flow.Publisher} of stream events: each subscriber gets its own request, opened at its first
 * {@code request(n)}. Demand is honoured by not reading from the connection until it is signalled, so a slow
 * subscriber slows the server down instead of filling memory. {@code cancel()} closes the stream. Internal.
 */
public final class ChatStreamPublisher implements Flow.Publisher<ChatStreamEvent> {
    private final Function<Cancellation, ChatStream> opener;
    private final Executor executor;

    public ChatStreamPublisher(Function<Cancellation, ChatStream> opener, Executor executor) {
        this.opener = opener;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatStreamEvent> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscriber.onSubscribe(new Subscription(subscriber));
    }

    private final class Subscription implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super ChatStreamEvent> subscriber;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition demandChanged = lock.newCondition();
        private long demand;
        private boolean started;
        private volatile boolean cancelled;
        private volatile ChatStream stream;
        private final Cancellation cancellation = new Cancellation();

        Subscription(Flow.Subscriber<? super ChatStreamEvent> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request(n) needs n > 0 (rule 3.9), got " + n));
                return;
            }
            boolean start = false;
            lock.lock();
            try {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                if (!started) {
                    started = true;
                    start = true;
                }
                demandChanged.signalAll();
            } finally {
                lock.unlock();
            }
            if (start) {
                executor.execute(this);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            cancellation.cancel();
            lock.lock();
            try {
                demandChanged.signalAll();
            } finally {
                lock.unlock();
            }
            ChatStream s = stream;
            if (s != null) {
                s.close();
            }
        }

        @Override
        public void run() {
            try (ChatStream s = opener.apply(cancellation)) {
                stream = s;
                if (cancelled) {
                    return;
                }
                Iterator<ChatStreamEvent> events = s.iterator();
                while (awaitDemand() && events.hasNext()) {
                    ChatStreamEvent event = events.next();
                    lock.lock();
                    try {
                        demand--;
                    } finally {
                        lock.unlock();
                    }
                    subscriber.onNext(event);
                }
                if (!cancelled) {
                    subscriber.onComplete();
                }
            } catch (Throwable t) {
                if (!cancelled) {
                    subscriber.onError(t);
                }
            }
        }

        /** Waits until there is demand; false when cancelled. */
        private boolean awaitDemand() throws InterruptedException {
            lock.lock();
            try {
                while (demand == 0 && !cancelled) {
                    demandChanged.await();
                }
                return !cancelled;
            } finally {
                lock.unlock();
            }
        }
    }
}
