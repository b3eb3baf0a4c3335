package dev.llamakit.internal.wire;

import java.util.Arrays;

/**
 * The bytes around the text string of the last event a fast path read in full, when that event meant nothing but
 * its text. An event with the same bytes before and after its text string means the same, with its own text: the
 * scanner reads the same bytes in the same state up to the string, the string ends at its closing quote, and
 * the bytes after it are read in the same state again. Internal.
 */
final class TextTemplate {
    private byte[] prefix = new byte[0];
    private int prefixLength = -1;
    private byte[] suffix = new byte[0];
    private int suffixLength;

    /** Keeps the bytes of the scanned event before the string at {@code start} (with its quote) and after {@code end}. */
    void remember(JsonByteScanner scanner, int start, int end) {
        byte[] data = scanner.data();
        prefixLength = start + 1;
        suffixLength = scanner.limit() - end;
        if (prefix.length < prefixLength) {
            prefix = new byte[prefixLength];
        }
        if (suffix.length < suffixLength) {
            suffix = new byte[suffixLength];
        }
        System.arraycopy(data, 0, prefix, 0, prefixLength);
        System.arraycopy(data, end, suffix, 0, suffixLength);
    }

    /** The text of the scanner's event when it matches the template, else {@code null}. */
    String text(JsonByteScanner scanner) {
        byte[] data = scanner.data();
        int limit = scanner.limit();
        if (prefixLength < 0 || limit < prefixLength + 1 + suffixLength
                || Arrays.mismatch(data, 0, prefixLength, prefix, 0, prefixLength) >= 0) {
            return null;
        }
        int start = prefixLength - 1;
        int end = scanner.stringEnd(start);
        if (end == JsonByteScanner.NO || limit - end != suffixLength
                || Arrays.mismatch(data, end, limit, suffix, 0, suffixLength) >= 0) {
            return null;
        }
        return scanner.string(start, end);
    }
}
