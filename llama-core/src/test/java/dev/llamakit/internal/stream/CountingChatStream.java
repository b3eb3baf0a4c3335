package dev.llamakit.internal.stream;

import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.RateLimits;
import dev.llamakit.client.error.StreamCancelledException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * An in-memory stream of {@code size} text deltas ("0", "1", ...), made one at a time as they are read, so a
 * huge size costs nothing. Counts its reads; closing it makes the next read fail as a cancelled real stream does.
 */
final class CountingChatStream implements ChatStream {
    private final long size;
    private volatile long read;
    private volatile boolean closed;

    CountingChatStream(long size) {
        this.size = size;
    }

    @Override
    public Iterator<ChatStreamEvent> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (closed) {
                    throw new StreamCancelledException("closed", null);
                }
                return read < size;
            }

            @Override
            public ChatStreamEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return new ChatStreamEvent.TextDelta(Long.toString(read++));
            }
        };
    }

    /** How many events were read. */
    long read() {
        return read;
    }

    boolean closed() {
        return closed;
    }

    @Override
    public ChatResponse collect() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<String> requestId() {
        return Optional.empty();
    }

    @Override
    public RateLimits rateLimits() {
        return RateLimits.NONE;
    }

    @Override
    public void close() {
        closed = true;
    }
}
