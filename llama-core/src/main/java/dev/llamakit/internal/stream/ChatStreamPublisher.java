package dev.llamakit.internal.stream;

import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.internal.http.Cancellation;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cold {@link Flow.Publisher} of stream events: each subscriber gets its own call, opened on the executor as soon
 * as {@code onSubscribe} has returned, so that a call that cannot be made (a refused key, say) is reported through
 * {@code onError} without waiting for demand (rule 1.9). Events are read from the connection only against demand,
 * one at a time, so a slow subscriber slows the server down instead of filling memory; no thread waits for demand.
 *
 * <p>Signals to a subscriber are serial (rule 1.3): they are emitted by whichever thread holds the subscription's
 * emission turn, and each one happens-before the next. {@code request} and {@code cancel} may be called from any
 * thread, also from inside a signal, without recursion (rule 3.3). {@code cancel()} stops a call that is still
 * opening (through its {@link Cancellation}) and closes an open stream. Internal.
 */
public final class ChatStreamPublisher implements Flow.Publisher<ChatStreamEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ChatStreamPublisher.class);

    private final Function<Cancellation, ChatStream> opener;
    private final Executor executor;

    /**
     * @param opener   opens one stream; the {@link Cancellation} it is given is cancelled when the subscriber cancels
     * @param executor runs the opener and the reads
     */
    public ChatStreamPublisher(Function<Cancellation, ChatStream> opener, Executor executor) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatStreamEvent> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        new Subscription(subscriber).start();
    }

    private final class Subscription implements Flow.Subscription {
        private final Cancellation cancellation = new Cancellation();
        /** Emission turns: the thread that moves it from 0 signals the subscriber until it is back at 0. */
        private final AtomicInteger emitting = new AtomicInteger(1);
        /** Read turns: the thread that moves it from 0 submits {@link #pump}, which reads until it is back at 0. */
        private final AtomicInteger reading = new AtomicInteger();
        /** Requested and not yet delivered; {@code Long.MAX_VALUE} means unbounded. */
        private final AtomicLong requested = new AtomicLong();
        /** A request(n <= 0), or a failure of the subscriber itself: signalled before anything else. */
        private final AtomicReference<Throwable> misuse = new AtomicReference<>();
        /** Null once a terminal signal was emitted or the subscription was cancelled (and then never again set). */
        private volatile Flow.Subscriber<? super ChatStreamEvent> subscriber;
        /** The event read and not yet delivered: at most one, read only against demand. */
        private volatile ChatStreamEvent pending;
        private volatile boolean cancelled;
        /** No more reading: cancelled, misused or finished. */
        private volatile boolean stopped;
        private volatile boolean finished;
        private volatile Throwable failure;
        private volatile ChatStream stream;
        /** Touched by the read turn only. */
        private boolean opened;
        private Iterator<ChatStreamEvent> events;

        Subscription(Flow.Subscriber<? super ChatStreamEvent> subscriber) {
            this.subscriber = subscriber;
        }

        /** Signals onSubscribe (holding the first emission turn), then starts opening the call. */
        void start() {
            Flow.Subscriber<? super ChatStreamEvent> s = subscriber;
            try {
                s.onSubscribe(this);
            } catch (Throwable t) {
                misuse.compareAndSet(null, t);
                stopUpstream();
            }
            emitLoop(1);
            schedulePump();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                misuse.compareAndSet(null, new IllegalArgumentException(
                        "non-positive subscription request: request(n) needs n > 0 (rule 3.9), got " + n));
                stopUpstream();
                emit();
                return;
            }
            if (stopped) {
                return;   // cancelled, misused or ended: a no-op (rule 3.6)
            }
            requested.getAndUpdate(r -> r + n < 0 ? Long.MAX_VALUE : r + n);
            schedulePump();
        }

        @Override
        public void cancel() {
            cancelled = true;
            stopUpstream();
            emit();
        }

        /** Stops reading: cancels a call still opening, closes an open stream. Idempotent. */
        private void stopUpstream() {
            stopped = true;
            cancellation.cancel();
            ChatStream s = stream;
            if (s != null) {
                s.close();
            }
        }

        // ---- reading: one read turn at a time, on the executor ----

        private void schedulePump() {
            if (reading.getAndIncrement() == 0) {
                try {
                    executor.execute(this::pump);
                } catch (Throwable t) {
                    reading.set(0);
                    finish(t);
                }
            }
        }

        private void pump() {
            int missed = 1;
            while (true) {
                if (!stopped) {
                    try {
                        read();
                    } catch (Throwable t) {
                        finish(t);
                    }
                }
                missed = reading.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        /** Opens the call on the first turn; then reads while there is demand and the last event was delivered. */
        private void read() {
            if (!opened) {
                opened = true;
                ChatStream s = Objects.requireNonNull(opener.apply(cancellation), "the opener returned null");
                stream = s;
                if (stopped) {
                    s.close();
                    return;
                }
                events = s.iterator();
            }
            while (!stopped && pending == null && requested.get() > 0) {
                if (!events.hasNext()) {
                    finish(null);
                    return;
                }
                pending = Objects.requireNonNull(events.next(), "the stream returned a null event");
                emit();
            }
        }

        /** The stream ended ({@code error} null) or failed; emitted once the last event is delivered. */
        private void finish(Throwable error) {
            if (finished) {
                return;
            }
            failure = error;
            finished = true;
            stopped = true;
            ChatStream s = stream;
            if (s != null) {
                s.close();
            }
            emit();
        }

        // ---- emitting: one emission turn at a time, on whichever thread gets it ----

        private void emit() {
            if (emitting.getAndIncrement() == 0) {
                emitLoop(1);
            }
        }

        private void emitLoop(int missed) {
            while (true) {
                Flow.Subscriber<? super ChatStreamEvent> s = subscriber;
                if (s != null) {
                    emitTo(s);
                }
                missed = emitting.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void emitTo(Flow.Subscriber<? super ChatStreamEvent> s) {
            while (true) {
                if (cancelled) {
                    drop();
                    return;
                }
                Throwable misused = misuse.get();
                if (misused != null) {
                    drop();
                    stopUpstream();
                    error(s, misused);
                    return;
                }
                ChatStreamEvent event = pending;
                if (event != null) {
                    // demand first: a reader that sees the slot empty must also see the demand it used
                    requested.getAndUpdate(r -> r == Long.MAX_VALUE ? r : r - 1);
                    pending = null;
                    try {
                        s.onNext(event);
                    } catch (Throwable t) {
                        // rule 2.13: the subscription is cancelled, and the subscriber told why
                        drop();
                        stopUpstream();
                        error(s, t);
                        return;
                    }
                    schedulePump();
                    continue;
                }
                if (finished) {
                    drop();
                    Throwable f = failure;
                    if (f == null) {
                        try {
                            s.onComplete();
                        } catch (Throwable t) {
                            LOG.warn("a stream subscriber threw from onComplete (rule 2.13)", t);
                        }
                    } else {
                        error(s, f);
                    }
                }
                return;
            }
        }

        /** Forgets the subscriber (rule 3.13) and the undelivered event; no signal follows. */
        private void drop() {
            subscriber = null;
            pending = null;
        }

        private void error(Flow.Subscriber<? super ChatStreamEvent> s, Throwable t) {
            try {
                s.onError(t);
            } catch (Throwable thrown) {
                LOG.warn("a stream subscriber threw from onError (rule 2.13)", thrown);
            }
        }
    }
}
