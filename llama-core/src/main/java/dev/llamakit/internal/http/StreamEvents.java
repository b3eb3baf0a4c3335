package dev.llamakit.internal.http;

import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.error.MalformedResponseException;
import dev.llamakit.client.error.StreamErrorException;
import dev.llamakit.internal.json.ErrorMessages;
import dev.llamakit.internal.sse.SseReader;
import dev.llamakit.internal.wire.StreamDecoder;
import dev.llamakit.internal.wire.WireException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Framing and decoding of one stream body: SSE events ({@link SseReader}) into typed {@link ChatStreamEvent}s
 * ({@link StreamDecoder} of the dialect). An error inside the stream (a bare JSON line, an {@code error:} line, an
 * {@code event: error}) is a {@link StreamErrorException}; a chunk that is not the expected JSON is a
 * {@link MalformedResponseException}; data that is not JSON at all is skipped. Knows nothing of the transport,
 * retries or listeners. One per response body; not thread-safe. Internal.
 */
final class StreamEvents {
    private static final Logger LOG = LoggerFactory.getLogger("dev.llamakit.http");

    private final SseReader reader;
    private final StreamDecoder decoder;
    private final String requestId;

    StreamEvents(InputStream body, Dialect dialect, String requestId) {
        this.reader = new SseReader(body);
        this.decoder = StreamDecoder.forDialect(dialect);
        this.requestId = requestId;
    }

    /**
     * Reads one SSE event and appends what it decodes to (zero or more events) to {@code out}.
     *
     * @return {@code false} at the end of the body or at its end marker ({@code [DONE]})
     * @throws IOException when reading the body failed
     * @throws IllegalStateException when the body breaks the SSE framing beyond repair (an event too large)
     */
    boolean read(Queue<ChatStreamEvent> out) throws IOException {
        if (!reader.next()) {
            return false;
        }
        if (reader.kind() == SseReader.Kind.BARE_JSON || reader.kind() == SseReader.Kind.ERROR_LINE
                || "error".equals(reader.eventType())) {
            String raw = reader.dataText();
            String message = ErrorMessages.fromBody(raw);
            throw new StreamErrorException("the server reported an error in the stream"
                    + (message == null || message.isBlank() || "null".equals(message) ? " (without a message)" : ": " + message), raw);
        }
        if (reader.isDone()) {
            decoder.finish(out);
            return false;
        }
        if (reader.dataLength() == 0 || reader.data()[0] != '{') {
            LOG.debug("skipping a non-JSON stream event: {}", reader.dataText());
            return true;
        }
        try {
            decoder.decode(reader.data(), reader.dataLength(), out);
        } catch (WireException e) {
            throw new MalformedResponseException(e.getMessage(), 200, requestId, e);
        }
        return true;
    }

    /** Whether the reply was complete (its end event or finish reason arrived). */
    boolean completed() {
        return decoder.completed();
    }

    /** Bytes of the body read so far. */
    long bytesRead() {
        return reader.bytesRead();
    }
}
