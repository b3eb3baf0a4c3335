package dev.llamakit.internal.sse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser over a byte stream. It holds only the current event: the
 * data of one event, and the bytes of the line being read. Handles a leading UTF-8 byte order mark, LF, CR
 * and CRLF line ends (also split across reads), multi-line {@code data:}, comments, {@code event:} and
 * {@code id:} fields, and a last event without a trailing blank line. A line that is not a field but starts
 * with <code>{</code> is reported as a {@link Kind#BARE_JSON} event: the Llama API sends error objects that
 * way in the middle of a stream. An {@code error:} field line, which llama.cpp's server sends instead of
 * {@code data:} when generation fails, is reported as a {@link Kind#ERROR_LINE} event. An {@code event: error}
 * event is an ordinary {@link Kind#EVENT} with {@link #eventType()} {@code "error"}.
 *
 * <p>A body that ends in the middle of a line (no line terminator before the end of the stream) was cut: the
 * incomplete line and the event it belongs to are discarded, as the SSE specification says, rather than
 * dispatched half-written.
 *
 * <p>Pull-based: {@link #next()} reads until one event is complete. The event's data stays valid until the
 * next call. Not thread-safe. Internal.
 */
public final class SseReader {
    /** What {@link #next()} found. */
    public enum Kind {
        /** A normal event: {@link #data()} holds its data lines joined by {@code \n}. */
        EVENT,
        /** A bare JSON line outside the SSE grammar (an error object); {@link #data()} holds the line. */
        BARE_JSON,
        /** An {@code error:} field line (llama.cpp's server); {@link #data()} holds its value, usually a JSON object. */
        ERROR_LINE
    }

    /** What {@link #readLine()} found. */
    private enum LineEnd {
        /** A complete, terminated line is in {@link #line}. */
        LINE,
        /** The end of the stream, with nothing pending. */
        END,
        /** The end of the stream in the middle of a line: the body was cut. */
        CUT
    }

    private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;
    private boolean eof;
    private boolean skipLineFeed;
    private boolean firstLine = true;

    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private boolean hasData;
    private String eventType;
    private String lastEventId;
    private Kind kind;
    private long bytesRead;

    public SseReader(InputStream in) {
        this(in, 8192);
    }

    SseReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /**
     * Reads the next event.
     *
     * @return {@code false} at the end of the stream when no further event is pending
     * @throws IOException when reading fails
     */
    public boolean next() throws IOException {
        dataLength = 0;
        hasData = false;
        eventType = null;
        LineEnd end;
        while ((end = readLine()) == LineEnd.LINE) {
            if (lineLength == 0) {
                if (hasData) {
                    kind = Kind.EVENT;
                    return true;
                }
                eventType = null;
                continue;
            }
            if (line[0] == ':') {
                continue; // comment or keep-alive
            }
            if (line[0] == '{') {
                copyToData(line, 0, lineLength);
                kind = Kind.BARE_JSON;
                return true;
            }
            int colon = indexOf(line, lineLength, (byte) ':');
            int nameEnd = colon < 0 ? lineLength : colon;
            int valueStart = colon < 0 ? lineLength : colon + 1;
            if (valueStart < lineLength && line[valueStart] == ' ') {
                valueStart++;
            }
            if (nameEnd == 5 && startsWith(line, "error")) {
                copyToData(line, valueStart, lineLength - valueStart);
                kind = Kind.ERROR_LINE;
                return true;
            }
            field(line, nameEnd, valueStart, lineLength);
        }
        if (end == LineEnd.END && hasData) {
            kind = Kind.EVENT;
            return true;
        }
        // at a cut, the incomplete line and its event are discarded
        dataLength = 0;
        hasData = false;
        return false;
    }

    /** The kind of the current event. */
    public Kind kind() {
        return kind;
    }

    /** The current event's data bytes; valid until the next call of {@link #next()}. */
    public byte[] data() {
        return data;
    }

    /** The number of data bytes in {@link #data()}. */
    public int dataLength() {
        return dataLength;
    }

    /** The current event's data as text (allocates; for diagnostics and rare paths). */
    public String dataText() {
        return new String(data, 0, dataLength, StandardCharsets.UTF_8);
    }

    /** Whether the data is exactly {@code [DONE]}, the OpenAI end-of-stream marker. */
    public boolean isDone() {
        return dataLength == 6 && data[0] == '[' && data[1] == 'D' && data[2] == 'O' && data[3] == 'N'
                && data[4] == 'E' && data[5] == ']';
    }

    /** The current event's {@code event:} field, or {@code null} (the default type, "message"). */
    public String eventType() {
        return eventType;
    }

    /** The last {@code id:} seen in the stream, or {@code null}. */
    public String lastEventId() {
        return lastEventId;
    }

    /** Bytes consumed from the stream so far. */
    public long bytesRead() {
        return bytesRead;
    }

    private void field(byte[] l, int nameEnd, int valueStart, int end) {
        if (nameEnd == 4 && l[0] == 'd' && l[1] == 'a' && l[2] == 't' && l[3] == 'a') {
            if (hasData) {
                appendData((byte) '\n');
            }
            appendData(l, valueStart, end - valueStart);
            hasData = true;
        } else if (nameEnd == 5 && startsWith(l, "event")) {
            eventType = new String(l, valueStart, end - valueStart, StandardCharsets.UTF_8);
        } else if (nameEnd == 2 && l[0] == 'i' && l[1] == 'd') {
            lastEventId = new String(l, valueStart, end - valueStart, StandardCharsets.UTF_8);
        }
        // "retry" and unknown fields are ignored, as the SSE specification says
    }

    /** Reads one line (without its terminator) into {@link #line}. */
    private LineEnd readLine() throws IOException {
        lineLength = 0;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                return any ? LineEnd.CUT : LineEnd.END;
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int start = position;
            int end = start;
            byte b = 0;
            while (end < limit) {
                b = buffer[end];
                if (b == '\n' || b == '\r') {
                    break;
                }
                end++;
            }
            if (end > start) {
                appendLine(buffer, start, end - start);
                any = true;
            }
            if (end < limit) {
                position = end + 1;
                skipLineFeed = b == '\r';
                if (firstLine) {
                    firstLine = false;
                    stripByteOrderMark();
                }
                return LineEnd.LINE;
            }
            position = end;
        }
    }

    /** Removes a UTF-8 byte order mark from the stream's first line (the SSE specification says to skip one). */
    private void stripByteOrderMark() {
        if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            System.arraycopy(line, 3, line, 0, lineLength - 3);
            lineLength -= 3;
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        bytesRead += n;
        return true;
    }

    private void appendLine(byte[] src, int offset, int length) {
        if (lineLength + length > line.length) {
            int size = line.length;
            while (size < lineLength + length) {
                size = grow(size);
            }
            line = Arrays.copyOf(line, size);
        }
        System.arraycopy(src, offset, line, lineLength, length);
        lineLength += length;
    }

    private void appendData(byte b) {
        if (dataLength == data.length) {
            data = Arrays.copyOf(data, grow(data.length));
        }
        data[dataLength++] = b;
    }

    private void appendData(byte[] src, int offset, int length) {
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(grow(data.length), dataLength + length));
        }
        System.arraycopy(src, offset, data, dataLength, length);
        dataLength += length;
        if (dataLength > MAX_EVENT_BYTES) {
            throw new IllegalStateException("a server-sent event exceeds " + MAX_EVENT_BYTES + " bytes");
        }
    }

    private void copyToData(byte[] src, int offset, int length) {
        dataLength = 0;
        appendData(src, offset, length);
    }

    private static int grow(int size) {
        if (size >= MAX_EVENT_BYTES) {
            throw new IllegalStateException("a server-sent event line exceeds " + MAX_EVENT_BYTES + " bytes");
        }
        return size * 2;
    }

    private static int indexOf(byte[] bytes, int length, byte target) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == target) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
