package dev.llamakit.internal.http;

import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.error.LlamaConnectionException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.LlamaTimeoutException;
import dev.llamakit.client.error.MalformedResponseException;
import dev.llamakit.client.RateLimits;
import dev.llamakit.client.RequestOptions;
import dev.llamakit.client.error.StreamErrorException;
import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.client.error.TruncatedStreamException;
import dev.llamakit.internal.json.ErrorMessages;
import dev.llamakit.internal.sse.SseReader;
import dev.llamakit.internal.wire.StreamAccumulator;
import dev.llamakit.internal.wire.StreamDecoder;
import dev.llamakit.internal.wire.WireException;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatStream} over an SSE response body. Parses one event at a time as the caller pulls; keeps only
 * the current event and the folded reply. A connection that breaks before the first event is delivered is
 * reopened under the retry policy; after that, a break is a {@link TruncatedStreamException}.
 *
 * <p>Every outcome (end, failure, truncation, close before the end, abandonment) reaches the observer exactly
 * once. A stream dropped without {@link #close()} (a {@code findFirst()} on its events, an exception in a callback
 * outside try-with-resources) is closed by a {@link Cleaner} once unreachable, freeing the connection and the
 * idle watchdog. Internal.
 */
public final class RealChatStream implements ChatStream {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.http");
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "llamakit-stream-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final HttpCaller caller;
    private final String path;
    private final String body;
    private final RequestOptions options;
    private final Dialect dialect;
    private final StreamObserver observer;
    private final Cancellation cancellation;
    private final Resources resources;
    private final Cleaner.Cleanable cleanable;

    private StreamResponse response;
    private SseReader reader;
    private StreamDecoder decoder;
    private final StreamAccumulator accumulator = new StreamAccumulator();
    private final ArrayDeque<ChatStreamEvent> pending = new ArrayDeque<>(4);
    private final RateLimits rateLimits;
    private int reconnects;
    private boolean delivered;
    private boolean sawToken;
    private boolean finished;
    private volatile boolean closed;
    /** Closed before the end: iteration then fails with {@link StreamCancelledException} rather than ending quietly. */
    private volatile boolean cancelledEarly;
    private boolean iterated;
    private LlamaException failure;

    private RealChatStream(HttpCaller caller, String path, String body, RequestOptions options, Dialect dialect,
                           StreamObserver observer, Cancellation cancellation) {
        this.caller = caller;
        this.path = path;
        this.body = body;
        this.options = options;
        this.dialect = dialect;
        this.observer = observer;
        this.cancellation = cancellation;
        open();
        this.rateLimits = RateLimitHeaders.read(response.headers());
        this.resources = new Resources(cancellation, observer);
        this.resources.response = response;
        this.cleanable = CLEANER.register(this, resources);
    }

    /**
     * Opens a stream: sends the request and waits for the status and headers. Once {@code cancellation} fires
     * (before or after this returns), no further request is sent and the body is closed.
     *
     * @throws StreamCancelledException when the call was cancelled before the server answered
     */
    public static RealChatStream open(HttpCaller caller, String path, String body, RequestOptions options, Dialect dialect,
                                      StreamObserver observer, Cancellation cancellation) {
        return new RealChatStream(caller, path, body, options, dialect, observer, cancellation);
    }

    private void open() {
        try {
            response = caller.openStream(path, body, options, observer, cancellation);
        } catch (CancellationException e) {
            StreamCancelledException cancelled = new StreamCancelledException(
                    "the stream was cancelled before the server answered", accumulator.toResponse(null, RateLimits.NONE));
            observer.onError(cancelled);
            throw cancelled;
        } catch (RuntimeException e) {
            observer.onError(e);
            throw e;
        }
        if (resources != null) {
            resources.response = response;
        }
        reader = new SseReader(response.body());
        decoder = StreamDecoder.forDialect(dialect);
    }

    @Override
    public Iterator<ChatStreamEvent> iterator() {
        if (iterated) {
            throw new IllegalStateException("a ChatStream can be iterated only once");
        }
        iterated = true;
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
        if (!iterated) {
            iterated = true;
        }
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
        if (!closed) {
            if (!finished && failure == null) {
                cancelledEarly = true;
            }
            closed = true;
            cleanable.clean(); // cancels the call, closes the body; reports the early close (else a no-op for the observer)
        }
    }

    /** What must be freed, reachable without the stream itself, so that the {@link Cleaner} can free it. */
    private static final class Resources implements Runnable {
        private final Cancellation cancellation;
        private final StreamObserver observer;
        private volatile StreamResponse response;

        Resources(Cancellation cancellation, StreamObserver observer) {
            this.cancellation = cancellation;
            this.observer = observer;
        }

        @Override
        public void run() {
            cancellation.cancel();
            StreamResponse r = response;
            if (r != null) {
                r.close();
            }
            observer.onError(null); // ignored when the outcome was already reported
        }
    }

    /** The next event, or {@code null} at the end. Rethrows the failure to every later call. */
    private ChatStreamEvent advance() {
        if (failure != null) {
            throw failure;
        }
        try {
            while (pending.isEmpty()) {
                if (cancelledEarly) {
                    throw new StreamCancelledException("the stream was closed before it ended; "
                            + "the partial reply is in partial()", accumulator.toResponse(response.requestId(), rateLimits));
                }
                if (finished || closed) {
                    return null;
                }
                readOneEvent();
            }
        } catch (LlamaException e) {
            fail(e);
            throw e;
        }
        ChatStreamEvent event = pending.poll();
        accumulator.accept(event);
        delivered = true;
        if (!sawToken && (event instanceof ChatStreamEvent.TextDelta || event instanceof ChatStreamEvent.ToolCallDelta)) {
            sawToken = true;
            observer.onFirstToken();
        }
        return event;
    }

    private void readOneEvent() {
        boolean got;
        try {
            got = reader.next();
        } catch (IOException | IllegalStateException e) {
            if (closed) {
                finished = true;
                return;
            }
            if (!delivered && pending.isEmpty() && reconnects < caller.maxRetries(options) && !(e instanceof IllegalStateException)) {
                reconnect(e);
                return;
            }
            throw brokenStream(e);
        }
        if (!got) {
            end();
            return;
        }
        if (reader.kind() == SseReader.Kind.BARE_JSON || reader.kind() == SseReader.Kind.ERROR_LINE
                || "error".equals(reader.eventType())) {
            String raw = reader.dataText();
            String message = ErrorMessages.fromBody(raw);
            throw new StreamErrorException("the server reported an error in the stream"
                    + (message == null || message.isBlank() || "null".equals(message) ? " (without a message)" : ": " + message), raw);
        }
        if (reader.isDone()) {
            decoder.finish(pending);
            end();
            return;
        }
        if (reader.dataLength() == 0 || reader.data()[0] != '{') {
            LOG.debug("skipping a non-JSON stream event: {}", reader.dataText());
            return;
        }
        try {
            decoder.decode(reader.data(), reader.dataLength(), pending);
        } catch (WireException e) {
            throw new MalformedResponseException(e.getMessage(), 200, response.requestId(), e);
        }
    }

    private void end() {
        finished = true;
        response.close();
        if (!decoder.completed()) {
            throw new TruncatedStreamException("the stream ended before the reply was complete (" + reader.bytesRead()
                    + " bytes received)", accumulator.toResponse(response.requestId(), rateLimits), null);
        }
        observer.onComplete(accumulator.toResponse(response.requestId(), rateLimits));
    }

    private void reconnect(Exception cause) {
        Duration wait = caller.retryPolicy().delay(reconnects, null);
        reconnects++;
        LOG.debug("stream broke before its first event ({}); reopening in {} ms", cause.getMessage(), wait.toMillis());
        observer.onRetry(reconnects, wait, "stream broke before its first event");
        response.close();
        try {
            caller.pause(wait, cancellation);
        } catch (CancellationException e) {
            finished = true;
            return;
        }
        open();
    }

    private LlamaConnectionException brokenStream(Exception e) {
        ChatResponse partial = accumulator.toResponse(response.requestId(), rateLimits);
        if (response.idleTimedOut()) {
            return new TruncatedStreamException("no data arrived for " + caller.timeout(options).toMillis()
                    + " ms; the stream was abandoned", partial, new LlamaTimeoutException("stream idle timeout", e));
        }
        return new TruncatedStreamException("the stream broke after " + reader.bytesRead() + " bytes: " + e.getMessage(), partial, e);
    }

    private void fail(LlamaException e) {
        failure = e;
        finished = true;
        response.close();
        observer.onError(e); // reported once: the observer ignores a second outcome
    }
}
