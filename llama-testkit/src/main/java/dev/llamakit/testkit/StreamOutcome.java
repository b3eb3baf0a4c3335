package dev.llamakit.testkit;

import java.util.Objects;

/**
 * How one {@code text/event-stream} response ended, recorded by the server for every event stream
 * it writes: scripted ({@link ScriptedReply#sse}, {@link ScriptedReply#sseThenDrop},
 * {@link ScriptedReply#sseRepeating}, {@link ScriptedReply#sseBytes}) or generated (a chat reply to
 * a {@code stream: true} request). Read them with {@link LlamaTestServer#takeStreamOutcome} or
 * {@link LlamaTestServer#streamOutcomes()}, e.g. to assert that a client cancelled a stream.
 *
 * <p>At most one of {@code completed}, {@code clientDisconnected} and {@code droppedByServer} is
 * true. All three are false when the stream ended otherwise: the server was closed (or its thread
 * interrupted) during an event delay, or the testkit itself failed.
 *
 * <p><b>Detecting a client's close.</b> The server notices that a client went away only when a
 * write or flush fails. The first write after the client's close usually still succeeds (the
 * kernel accepts it; the client's side answers with a TCP reset), so it takes a second write to
 * fail. A stream whose client closes just before its last event can therefore still look
 * {@code completed}; use {@link ScriptedReply#withEventDelay} and a stream with a few events left
 * after the point where the client closes.
 *
 * @param requestId          the request's id, as in {@link RecordedRequest#requestId()} and the
 *                           {@code x-request-id} header
 * @param eventsWritten      the events the server handed to the connection: each string or byte
 *                           chunk of a scripted stream, each copy of a repeated event and its
 *                           non-empty trailer, each {@code data:} line (including {@code [DONE]}) of a
 *                           generated stream. An event counts once it was flushed, or, for an
 *                           {@link ScriptedReply#sseRepeating} stream without an event delay, once it
 *                           was written to the server's buffer. It can be larger than what the client
 *                           read: events may still sit in socket buffers when the client closes.
 * @param completed          the body was ended cleanly (terminating chunk written and flushed)
 * @param clientDisconnected writing the headers, an event or the end of the body failed with an
 *                           {@link java.io.IOException}: the client closed the connection (or it broke)
 * @param droppedByServer    the server closed the connection on purpose after the events
 *                           ({@link ScriptedReply#sseThenDrop})
 */
public record StreamOutcome(String requestId, int eventsWritten, boolean completed, boolean clientDisconnected,
                            boolean droppedByServer) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException     if {@code requestId} is null
     * @throws IllegalArgumentException if {@code eventsWritten} is negative or more than one flag is set
     */
    public StreamOutcome {
        Objects.requireNonNull(requestId, "requestId must not be null");
        if (eventsWritten < 0) {
            throw new IllegalArgumentException("eventsWritten must not be negative, was " + eventsWritten);
        }
        int flags = (completed ? 1 : 0) + (clientDisconnected ? 1 : 0) + (droppedByServer ? 1 : 0);
        if (flags > 1) {
            throw new IllegalArgumentException(
                    "at most one of completed, clientDisconnected and droppedByServer can be true");
        }
    }
}
