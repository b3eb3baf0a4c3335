package dev.llamakit.internal.http;

import dev.llamakit.client.error.LlamaException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a {@link RealChatStream} is in its life. The reading thread moves it forward; {@code close()} may be called
 * from any thread, so every move is a compare-and-set and an ended or failed stream is never marked cancelled.
 *
 * <pre>
 *   BEFORE_FIRST_EVENT --delivered--&gt; STREAMING --end marker--&gt; ENDED
 *          |                               |
 *          +------- close() before the end +--&gt; CANCELLED (iteration throws StreamCancelledException)
 *   any state --failure--&gt; FAILED (every later read rethrows the same failure)
 * </pre>
 *
 * Internal.
 */
final class StreamState {
    enum Phase {
        /** Open, nothing delivered yet: a broken connection may still be reopened. */
        BEFORE_FIRST_EVENT,
        /** At least one event delivered: a break is a truncation. */
        STREAMING,
        /** The end marker arrived; the reply is complete. */
        ENDED,
        /** Closed before its end. */
        CANCELLED,
        /** Failed; {@link #failure()} says why. */
        FAILED
    }

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE_FIRST_EVENT);
    private volatile LlamaException failure;
    private boolean iterated;

    Phase phase() {
        return phase.get();
    }

    /** Whether no event has been delivered yet (and the stream is still being read). */
    boolean beforeFirstEvent() {
        return phase.get() == Phase.BEFORE_FIRST_EVENT;
    }

    /** An event was delivered to the caller. */
    void delivered() {
        phase.compareAndSet(Phase.BEFORE_FIRST_EVENT, Phase.STREAMING);
    }

    /** The end marker arrived; {@code false} when the stream was cancelled or failed first. */
    boolean end() {
        return advanceFromOpen(Phase.ENDED);
    }

    /** Closed by the caller; {@code false} when the stream had already ended or failed (nothing to cancel). */
    boolean cancel() {
        return advanceFromOpen(Phase.CANCELLED);
    }

    /** The stream failed with {@code e}; later reads rethrow it. */
    void fail(LlamaException e) {
        failure = e;
        phase.set(Phase.FAILED);
    }

    /** The failure, once {@link Phase#FAILED}. */
    LlamaException failure() {
        return failure;
    }

    /**
     * Claims the stream for iteration (or collection).
     *
     * @param once whether a second claim is an error (an iterator) or allowed (collecting what is left)
     */
    void claimIteration(boolean once) {
        if (iterated && once) {
            throw new IllegalStateException("a ChatStream can be iterated only once");
        }
        iterated = true;
    }

    private boolean advanceFromOpen(Phase to) {
        return phase.compareAndSet(Phase.BEFORE_FIRST_EVENT, to) || phase.compareAndSet(Phase.STREAMING, to);
    }
}
