package dev.llamakit.memory.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads the lines of a byte range of a file with positional reads (the channel's position is not used), keeping
 * each line's byte offset. A line of any length is read whole; the last one may lack its newline. Internal.
 */
final class LineReader {
    private static final int BUFFER = 64 * 1024;

    /** A line without its newline; {@code terminated} is false for bytes that end the range without one. */
    record RawLine(long offset, byte[] bytes, boolean terminated) {
        /** Where the next line starts. */
        long end() {
            return offset + bytes.length + (terminated ? 1 : 0);
        }
    }

    private final FileChannel channel;
    private final long end;
    private final byte[] buffer = new byte[BUFFER];
    private long filePosition;
    private int position;
    private int limit;

    LineReader(FileChannel channel, long start, long end) {
        this.channel = channel;
        this.filePosition = start;
        this.end = end;
    }

    /** The offset of the next unread byte. */
    long offset() {
        return filePosition - (limit - position);
    }

    /** The next line, or {@code null} at the end of the range. */
    RawLine next() throws IOException {
        long start = offset();
        ByteArrayOutputStream partial = null;
        while (true) {
            if (position == limit && !fill()) {
                return partial == null ? null : new RawLine(start, partial.toByteArray(), false);
            }
            int newline = -1;
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline >= 0) {
                byte[] bytes;
                if (partial == null) {
                    bytes = Arrays.copyOfRange(buffer, position, newline);
                } else {
                    partial.write(buffer, position, newline - position);
                    bytes = partial.toByteArray();
                }
                position = newline + 1;
                return new RawLine(start, bytes, true);
            }
            if (partial == null) {
                partial = new ByteArrayOutputStream(Math.max(256, (limit - position) * 2));
            }
            partial.write(buffer, position, limit - position);
            position = limit;
        }
    }

    private boolean fill() throws IOException {
        if (filePosition >= end) {
            return false;
        }
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, end - filePosition));
        int n = channel.read(target, filePosition);
        if (n <= 0) {
            return false;
        }
        filePosition += n;
        position = 0;
        limit = n;
        return true;
    }
}
