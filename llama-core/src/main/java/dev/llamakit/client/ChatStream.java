package dev.llamakit.client;

import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.client.error.StreamErrorException;
import dev.llamakit.client.error.TruncatedStreamException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A reply arriving as a stream of {@link ChatStreamEvent}s. Single use: iterate it once, or call one of the
 * conveniences ({@link #textDeltas()}, {@link #onText(Consumer)}, {@link #collect()}). Events are parsed as
 * they arrive; nothing is buffered beyond the current event. Always close it (try-with-resources): closing
 * before the end cancels the HTTP exchange and frees the connection.
 *
 * <pre>{@code
 * try (ChatStream stream = client.stream(request)) {
 *     ChatResponse reply = stream.onText(System.out::print);   // prints as it arrives
 * }
 * }</pre>
 *
 * @throws TruncatedStreamException (from iteration) when the stream ends before its end marker
 * @throws StreamErrorException (from iteration) when the server reports an error inside the stream
 * @throws StreamCancelledException (from iteration) when {@link #close()} was called, e.g. from another thread,
 *         before the stream ended
 */
public interface ChatStream extends AutoCloseable, Iterable<ChatStreamEvent> {

    /** A complete reply presented as a stream (start, its text, its tool calls, complete, metrics). */
    static ChatStream of(ChatResponse response) {
        return new dev.llamakit.internal.stream.ReplayChatStream(java.util.Objects.requireNonNull(response, "response"));
    }

    /** The events, in order. Callable once. */
    @Override
    Iterator<ChatStreamEvent> iterator();

    /** The events as a sequential {@link Stream}; closing it closes this stream. */
    default Stream<ChatStreamEvent> events() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** Only the text fragments, in order. */
    default Stream<String> textDeltas() {
        return events().filter(ChatStreamEvent.TextDelta.class::isInstance).map(e -> ((ChatStreamEvent.TextDelta) e).text());
    }

    /** Passes each text fragment to {@code onText} as it arrives, then returns the whole reply. */
    default ChatResponse onText(Consumer<String> onText) {
        for (ChatStreamEvent event : this) {
            if (event instanceof ChatStreamEvent.TextDelta d) {
                onText.accept(d.text());
            }
        }
        return collect();
    }

    /**
     * Reads the rest of the stream and returns the reply as a non-streaming call would have: text joined,
     * tool-call argument fragments joined per call, stop reason and usage filled in ({@code rawJson()} is empty).
     */
    ChatResponse collect();

    /** The server's request id, when it sent one. */
    Optional<String> requestId();

    /** The rate-limit headers of the response. */
    RateLimits rateLimits();

    /** Cancels the exchange if it is still running. Idempotent; never throws. */
    @Override
    void close();
}
