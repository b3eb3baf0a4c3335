package dev.llamakit.internal.wire;

import java.io.InputStream;

/**
 * The data of the current stream event as an {@link InputStream}, so that one Jackson parser can read every
 * event of a stream in turn: each event is a new root-level JSON value for the same parser. Reading past the
 * event's data returns end-of-input, which makes the parser report an incomplete value. Internal.
 */
final class EventDataInput extends InputStream {
    private byte[] data = new byte[0];
    private int position;
    private int limit;
    private long delivered;

    /** Makes {@code length} bytes of {@code data} the next input (the array is read, not copied). */
    void set(byte[] data, int length) {
        this.data = data;
        this.position = 0;
        this.limit = length;
    }

    /** How many bytes of the current event were read. */
    int position() {
        return position;
    }

    /** The byte at {@code index} of the current event. */
    byte byteAt(int index) {
        return data[index];
    }

    /** How many bytes were read in all, over every event. */
    long delivered() {
        return delivered;
    }

    @Override
    public int read() {
        if (position >= limit) {
            return -1;
        }
        delivered++;
        return data[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= limit) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(data, position, b, off, n);
        position += n;
        delivered += n;
        return n;
    }
}
