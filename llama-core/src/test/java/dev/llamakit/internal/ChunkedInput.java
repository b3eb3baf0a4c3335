package dev.llamakit.internal;

import java.io.InputStream;
import java.util.Random;
import java.util.function.IntSupplier;

/** Streams over bytes that return few bytes per read, as a network does, so that data straddles every read boundary. */
public final class ChunkedInput {
    private ChunkedInput() {
    }

    /** Between 1 and {@code max} bytes per read, chosen at random from {@code seed}. */
    public static InputStream randomReads(byte[] bytes, long seed, int max) {
        Random random = new Random(seed);
        return reads(bytes, () -> 1 + random.nextInt(max));
    }

    /** At most {@code step} bytes per read. */
    public static InputStream fixedReads(byte[] bytes, int step) {
        return reads(bytes, () -> step);
    }

    private static InputStream reads(byte[] bytes, IntSupplier size) {
        return new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, size.getAsInt()), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
