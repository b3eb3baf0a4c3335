package dev.llamakit.internal.http;

import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.RateLimits;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.LlamaTimeoutException;
import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.client.error.TruncatedStreamException;
import dev.llamakit.internal.wire.StreamAccumulator;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * A {@link ChatStream} over an SSE response body, pulling one event at a time as the caller iterates; it keeps
 * only the current events and the folded reply. Each concern has one place: the transport (opening, and reopening
 * a connection that broke before the first event, within the call's retry budget) is {@link HttpCaller.StreamCall};
 * framing and decoding are {@link StreamEvents}; the lifecycle is {@link StreamState}; reporting to listeners
 * (first token, exactly one outcome) is the {@link StreamObserver}. After the first event, a break is a
 * {@link TruncatedStreamException}.
 *
 * <p>Every outcome (end, failure, truncation, close before the end, abandonment) reaches the observer. A stream
 * dropped without {@link #close()} (a {@code findFirst()} on its events, an exception in a callback outside
 * try-with-resources) is closed by a {@link Cleaner} once unreachable, freeing the connection and the idle
 * watchdog. Created by {@link HttpCaller#stream}. Internal.
 */
final class RealChatStream implements ChatStream {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "llamakit-stream-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final HttpCaller.StreamCall call;
    private final Dialect dialect;
    private final StreamObserver observer;
    private final StreamState state = new StreamState();
    private final StreamAccumulator accumulator = new StreamAccumulator();
    private final ArrayDeque<ChatStreamEvent> pending = new ArrayDeque<>(4);
    private final RateLimits rateLimits;
    private final Resources resources;
    private final Cleaner.Cleanable cleanable;
    private StreamResponse response;
    private StreamEvents events;

    /**
     * Opens the stream: sends the request and waits for the status and headers.
     *
     * @throws StreamCancelledException when the call was cancelled before the server answered
     */
    RealChatStream(HttpCaller.StreamCall call, Dialect dialect, StreamObserver observer, Cancellation cancellation) {
        this.call = call;
        this.dialect = dialect;
        this.observer = observer;
        try {
            opened(call.open());
        } catch (CancellationException e) {
            StreamCancelledException cancelled = new StreamCancelledException(
                    "the stream was cancelled before the server answered", accumulator.toResponse(null, RateLimits.NONE));
            observer.onError(cancelled);
            throw cancelled;
        } catch (RuntimeException e) {
            observer.onError(e);
            throw e;
        }
        this.rateLimits = RateLimitHeaders.read(response.headers());
        this.resources = new Resources(cancellation, observer, response);
        this.cleanable = CLEANER.register(this, resources);
    }

    private void opened(StreamResponse r) {
        response = r;
        events = new StreamEvents(r.body(), dialect, r.requestId());
        if (resources != null) {
            resources.response = r;
        }
    }

    @Override
    public Iterator<ChatStreamEvent> iterator() {
        state.claimIteration(true);
        return new Iterator<>() {
            private ChatStreamEvent next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = advance();
                }
                return next != null;
            }

            @Override
            public ChatStreamEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream has ended");
                }
                ChatStreamEvent e = next;
                next = null;
                return e;
            }
        };
    }

    @Override
    public ChatResponse collect() {
        state.claimIteration(false);
        while (advance() != null) {
            // folded by advance()
        }
        return accumulator.toResponse(response.requestId(), rateLimits);
    }

    @Override
    public Optional<String> requestId() {
        return Optional.ofNullable(response.requestId());
    }

    @Override
    public RateLimits rateLimits() {
        return rateLimits;
    }

    @Override
    public void close() {
        state.cancel(); // a no-op once the stream ended or failed
        cleanable.clean(); // once: cancels the call, closes the body, reports an early close (else a no-op for the observer)
    }

    /** What must be freed, reachable without the stream itself, so that the {@link Cleaner} can free it. */
    private static final class Resources implements Runnable {
        private final Cancellation cancellation;
        private final StreamObserver observer;
        private volatile StreamResponse response;

        Resources(Cancellation cancellation, StreamObserver observer, StreamResponse response) {
            this.cancellation = cancellation;
            this.observer = observer;
            this.response = response;
        }

        @Override
        public void run() {
            cancellation.cancel();
            response.close();
            observer.onError(null); // ignored when the outcome was already reported
        }
    }

    /** The next event, or {@code null} at the end. Rethrows the failure to every later call. */
    private ChatStreamEvent advance() {
        if (state.phase() == StreamState.Phase.FAILED) {
            throw state.failure();
        }
        try {
            while (pending.isEmpty()) {
                switch (state.phase()) {
                    case CANCELLED:
                        throw new StreamCancelledException("the stream was closed before it ended; "
                                + "the partial reply is in partial()", accumulator.toResponse(response.requestId(), rateLimits));
                    case ENDED:
                        return null;
                    case FAILED:
                        throw state.failure();
                    default:
                        readOneEvent();
                }
            }
        } catch (LlamaException e) {
            fail(e);
            throw e;
        }
        ChatStreamEvent event = pending.poll();
        accumulator.accept(event);
        state.delivered();
        observer.onEvent(event);
        return event;
    }

    private void readOneEvent() {
        boolean more;
        try {
            more = events.read(pending);
        } catch (IOException | IllegalStateException e) {
            if (state.phase() == StreamState.Phase.CANCELLED) {
                return; // closed under the reader
            }
            if (e instanceof IOException && state.beforeFirstEvent() && pending.isEmpty() && call.mayReopen()) {
                reopen((IOException) e);
                return;
            }
            throw brokenStream(e);
        }
        if (!more) {
            end();
        }
    }

    private void end() {
        response.close();
        if (!events.completed()) {
            throw new TruncatedStreamException("the stream ended before the reply was complete (" + events.bytesRead()
                    + " bytes received)", accumulator.toResponse(response.requestId(), rateLimits), null);
        }
        state.end();
        observer.onComplete(accumulator.toResponse(response.requestId(), rateLimits));
    }

    private void reopen(IOException cause) {
        response.close();
        try {
            opened(call.reopen(cause));
        } catch (CancellationException e) {
            state.cancel(); // cancelled during the wait or the new attempt: nothing more is sent
        } catch (RuntimeException e) {
            observer.onError(e);
            throw e;
        }
    }

    private LlamaConnectionException brokenStream(Exception e) {
        ChatResponse partial = accumulator.toResponse(response.requestId(), rateLimits);
        if (response.idleTimedOut()) {
            return new TruncatedStreamException("no data arrived for " + call.idleTimeout().toMillis()
                    + " ms; the stream was abandoned", partial, new LlamaTimeoutException("stream idle timeout", e));
        }
        return new TruncatedStreamException("the stream broke after " + events.bytesRead() + " bytes: " + e.getMessage(), partial, e);
    }

    private void fail(LlamaException e) {
        state.fail(e);
        response.close();
        observer.onError(e); // reported once: the observer ignores a second outcome
    }
}
