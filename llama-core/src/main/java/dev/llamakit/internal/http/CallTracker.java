package dev.llamakit.internal.http;

import dev.llamakit.client.observe.ChatCall;
import dev.llamakit.client.observe.ChatListener;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener bookkeeping of one chat call: reports it to the registered listeners, shielding the call from
 * listener failures; reports the first token of a stream once and the outcome exactly once. Internal.
 */
public final class CallTracker implements StreamObserver {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.client");
    private static final AtomicLong IDS = new AtomicLong();

    private final List<ChatListener> listeners;
    private final ChatCall call;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Written by the one thread that reads the stream at a time. */
    private volatile boolean sawToken;

    private CallTracker(List<ChatListener> listeners, ChatCall call) {
        this.listeners = listeners;
        this.call = call;
    }

    /** Starts tracking a call and tells the listeners about the request. */
    public static CallTracker start(List<ChatListener> listeners, ChatRequest request, Dialect dialect, boolean streaming, Clock clock) {
        CallTracker tracker = new CallTracker(listeners,
                new ChatCall(IDS.incrementAndGet(), request.model(), dialect, streaming, clock.instant()));
        tracker.notify(l -> l.onRequest(tracker.call, request));
        return tracker;
    }

    @Override
    public void onRetry(int failedAttempt, Duration wait, String reason) {
        notify(l -> l.onRetry(call, failedAttempt, wait, reason));
    }

    @Override
    public void onEvent(ChatStreamEvent event) {
        if (!sawToken && (event instanceof ChatStreamEvent.TextDelta || event instanceof ChatStreamEvent.ToolCallDelta)) {
            sawToken = true;
            Duration ttft = elapsed();
            notify(l -> l.onFirstToken(call, ttft));
        }
    }

    @Override
    public void onComplete(ChatResponse response) {
        if (ended.compareAndSet(false, true)) {
            Duration d = elapsed();
            notify(l -> l.onResponse(call, response, d));
        }
    }

    @Override
    public void onError(Throwable error) {
        if (ended.compareAndSet(false, true)) {
            Throwable reported = error != null ? error : new CancellationException("the stream was closed before its end");
            Duration d = elapsed();
            notify(l -> l.onError(call, reported, d));
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private void notify(Consumer<ChatListener> event) {
        for (ChatListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("chat listener {} failed; the call goes on", listener.getClass().getName(), e);
            }
        }
    }
}
