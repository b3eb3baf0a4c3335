package dev.llamakit.internal.wire;

import java.nio.charset.StandardCharsets;

/**
 * A strict, allocation-free scanner over the UTF-8 bytes of one JSON value, for the stream decoders' fast paths.
 * It accepts only a subset of what Jackson accepts: whitespace is space, tab, CR and LF; names are printable ASCII
 * without escapes; strings are well-formed UTF-8 with the escapes of RFC 8259; numbers follow the JSON grammar
 * and are at most {@value #MAX_NUMBER_LENGTH} characters long. Every method returns {@link #NO} when the input
 * is outside that subset (or ends too early): the caller then leaves the event to Jackson, which decides whether
 * it is valid and what it means. Decoded strings are exactly what Jackson decodes. One per stream; not
 * thread-safe. Internal.
 */
final class JsonByteScanner {
    /** Returned by every scanning method when the fast path must give up. */
    static final int NO = -1;
    private static final int MAX_NUMBER_LENGTH = 100;
    private static final int MAX_NAME_LENGTH = 256;

    private byte[] data;
    private int limit;
    private char[] chars = new char[64];

    /** Scans {@code length} bytes of {@code data} from now on. */
    void reset(byte[] data, int length) {
        this.data = data;
        this.limit = length;
    }

    byte[] data() {
        return data;
    }

    int limit() {
        return limit;
    }

    /** The byte at {@code p}, or 0 past the end. */
    int at(int p) {
        return p >= 0 && p < limit ? data[p] : 0;
    }

    /** The first position at or after {@code p} that is not JSON whitespace. */
    int skipWhitespace(int p) {
        while (p < limit) {
            byte c = data[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            p++;
        }
        return p;
    }

    /**
     * The position after the closing quote of a member name that starts at {@code p} (its opening quote), or
     * {@link #NO} unless the name is 1 to {@value #MAX_NAME_LENGTH} printable ASCII characters without escapes.
     */
    int nameEnd(int p) {
        if (at(p) != '"') {
            return NO;
        }
        int end = Math.min(limit, p + 2 + MAX_NAME_LENGTH);
        for (int i = p + 1; i < end; i++) {
            byte c = data[i];
            if (c == '"') {
                return i == p + 1 ? NO : i + 1;
            }
            if (c < 0x20 || c == '\\' || c == 0x7f) {
                return NO;
            }
        }
        return NO;
    }

    /** Whether the name whose opening quote is at {@code p} and which ends (after its quote) at {@code end} is {@code name}. */
    boolean nameIs(int p, int end, byte[] name) {
        int length = end - p - 2;
        if (length != name.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (data[p + 1 + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** The position after a member separator: the colon after a name that ends at {@code p}, and whitespace. */
    int colon(int p) {
        p = skipWhitespace(p);
        return at(p) == ':' ? skipWhitespace(p + 1) : NO;
    }

    /**
     * After a member value ending at {@code p}: the position of the next member's name (after a comma), the
     * position after the object's closing brace as {@code -(position) - 2}, or {@link #NO}.
     */
    int nextMember(int p) {
        p = skipWhitespace(p);
        int c = at(p);
        if (c == ',') {
            p = skipWhitespace(p + 1);
            return at(p) == '"' ? p : NO;
        }
        return c == '}' ? -(p + 1) - 2 : NO;
    }

    /** The position of the first name of an object whose brace is at {@code p}, or the empty object's end as {@link #nextMember} does. */
    int firstMember(int p) {
        if (at(p) != '{') {
            return NO;
        }
        p = skipWhitespace(p + 1);
        int c = at(p);
        if (c == '"') {
            return p;
        }
        return c == '}' ? -(p + 1) - 2 : NO;
    }

    /** Reads one member's value: the value's end, or {@link #NO} when Jackson must read the event. */
    @FunctionalInterface
    interface MemberReader {
        int read(int nameStart, int nameEnd, int valueStart);
    }

    /**
     * Reads the object whose brace is at {@code p} member by member, each value with {@code reader}: the position
     * after the object, or {@link #NO}. Hold {@code reader} in a field: a method reference made per call allocates.
     */
    int object(int p, MemberReader reader) {
        int m = firstMember(p);
        while (m >= 0) {
            int nameEnd = nameEnd(m);
            int v = nameEnd == NO ? NO : colon(nameEnd);
            if (v == NO) {
                return NO;
            }
            int valueEnd = reader.read(m, nameEnd, v);
            if (valueEnd == NO) {
                return NO;
            }
            m = nextMember(valueEnd);
        }
        return isObjectEnd(m) ? objectEnd(m) : NO;
    }

    /** Whether {@link #nextMember} or {@link #firstMember} reported the end of the object. */
    static boolean isObjectEnd(int result) {
        return result <= -2;
    }

    /** The position after the object, from an end result of {@link #nextMember} or {@link #firstMember}. */
    static int objectEnd(int result) {
        return -(result + 2);
    }

    /** The end of a {@code null} at {@code p}, or {@link #NO}. */
    int nullEnd(int p) {
        return p + 4 <= limit && data[p] == 'n' && data[p + 1] == 'u' && data[p + 2] == 'l' && data[p + 3] == 'l'
                && !isNameChar(p + 4) ? p + 4 : NO;
    }

    /** The end of a string, number, {@code true}, {@code false} or {@code null} at {@code p}, or {@link #NO} (also for objects and arrays). */
    int scalarEnd(int p) {
        int c = at(p);
        if (c == '"') {
            return stringEnd(p);
        }
        if (c == 'n') {
            return nullEnd(p);
        }
        if (c == 't') {
            return p + 4 <= limit && data[p + 1] == 'r' && data[p + 2] == 'u' && data[p + 3] == 'e'
                    && !isNameChar(p + 4) ? p + 4 : NO;
        }
        if (c == 'f') {
            return p + 5 <= limit && data[p + 1] == 'a' && data[p + 2] == 'l' && data[p + 3] == 's'
                    && data[p + 4] == 'e' && !isNameChar(p + 5) ? p + 5 : NO;
        }
        if (c == '-' || c >= '0' && c <= '9') {
            return numberEnd(p);
        }
        return NO;
    }

    private boolean isNameChar(int p) {
        int c = at(p);
        return c != 0 && c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t';
    }

    private int numberEnd(int p) {
        int i = p;
        if (at(i) == '-') {
            i++;
        }
        int c = at(i);
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            i = digits(i + 1);
        } else {
            return NO;
        }
        if (at(i) == '.') {
            int start = i + 1;
            i = digits(start);
            if (i == start) {
                return NO;
            }
        }
        c = at(i);
        if (c == 'e' || c == 'E') {
            i++;
            c = at(i);
            if (c == '+' || c == '-') {
                i++;
            }
            int start = i;
            i = digits(start);
            if (i == start) {
                return NO;
            }
        }
        return i - p > MAX_NUMBER_LENGTH || isNameChar(i) ? NO : i;
    }

    private int digits(int p) {
        while (p < limit && data[p] >= '0' && data[p] <= '9') {
            p++;
        }
        return p;
    }

    /**
     * The position after the closing quote of the string whose opening quote is at {@code p}, or {@link #NO} when
     * it has a raw control character, an unknown escape, malformed UTF-8 or no end.
     */
    int stringEnd(int p) {
        if (at(p) != '"') {
            return NO;
        }
        byte[] d = data;
        int i = p + 1;
        while (i < limit) {
            int c = d[i];
            if (c >= 0x20 && c != '"' && c != '\\') {
                i++; // printable ASCII (0x20..0x7f)
            } else if (c == '"') {
                return i + 1;
            } else if (c == '\\') {
                i = escapeEnd(i);
                if (i == NO) {
                    return NO;
                }
            } else if (c < 0) {
                i = utf8End(i);
                if (i == NO) {
                    return NO;
                }
            } else {
                return NO; // a raw control character
            }
        }
        return NO;
    }

    /** The end of the escape at {@code p} (its backslash), or {@link #NO}. */
    private int escapeEnd(int p) {
        switch (at(p + 1)) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                return p + 2;
            case 'u':
                if (p + 6 > limit) {
                    return NO;
                }
                for (int i = p + 2; i < p + 6; i++) {
                    if (hex(data[i]) < 0) {
                        return NO;
                    }
                }
                return p + 6;
            default:
                return NO;
        }
    }

    /** The end of the well-formed UTF-8 sequence (2 to 4 bytes, no overlong forms or surrogates) at {@code p}, or {@link #NO}. */
    private int utf8End(int p) {
        int b0 = data[p] & 0xff;
        int length;
        int min = 0x80;
        int max = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            length = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            if (b0 == 0xe0) {
                min = 0xa0;
            } else if (b0 == 0xed) {
                max = 0x9f;
            }
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            if (b0 == 0xf0) {
                min = 0x90;
            } else if (b0 == 0xf4) {
                max = 0x8f;
            }
        } else {
            return NO;
        }
        if (p + length > limit) {
            return NO;
        }
        int b1 = data[p + 1] & 0xff;
        if (b1 < min || b1 > max) {
            return NO;
        }
        for (int i = p + 2; i < p + length; i++) {
            if ((data[i] & 0xc0) != 0x80) {
                return NO;
            }
        }
        return p + length;
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * The value of the string from {@code p} (its opening quote) to {@code end} (after its closing quote), which
     * {@link #stringEnd} accepted.
     */
    String string(int p, int end) {
        int from = p + 1;
        int to = end - 1;
        boolean plain = true;
        for (int i = from; i < to; i++) {
            if (data[i] < 0 || data[i] == '\\') { // a non-ASCII byte or an escape
                plain = false;
                break;
            }
        }
        if (plain) {
            return new String(data, from, to - from, StandardCharsets.ISO_8859_1);
        }
        if (chars.length < to - from) {
            chars = new char[Math.max(to - from, chars.length * 2)];
        }
        char[] out = chars;
        int n = 0;
        int i = from;
        while (i < to) {
            int c = data[i];
            if (c >= 0 && c != '\\') {
                out[n++] = (char) c;
                i++;
            } else if (c == '\\') {
                int e = data[i + 1];
                switch (e) {
                    case 'b' -> out[n++] = '\b';
                    case 'f' -> out[n++] = '\f';
                    case 'n' -> out[n++] = '\n';
                    case 'r' -> out[n++] = '\r';
                    case 't' -> out[n++] = '\t';
                    case 'u' -> {
                        out[n++] = (char) (hex(data[i + 2]) << 12 | hex(data[i + 3]) << 8 | hex(data[i + 4]) << 4 | hex(data[i + 5]));
                        i += 4;
                    }
                    default -> out[n++] = (char) e; // " \ /
                }
                i += 2;
            } else {
                int b0 = c & 0xff;
                if (b0 < 0xe0) {
                    out[n++] = (char) ((b0 & 0x1f) << 6 | data[i + 1] & 0x3f);
                    i += 2;
                } else if (b0 < 0xf0) {
                    out[n++] = (char) ((b0 & 0x0f) << 12 | (data[i + 1] & 0x3f) << 6 | data[i + 2] & 0x3f);
                    i += 3;
                } else {
                    int cp = (b0 & 0x07) << 18 | (data[i + 1] & 0x3f) << 12 | (data[i + 2] & 0x3f) << 6 | data[i + 3] & 0x3f;
                    out[n++] = Character.highSurrogate(cp);
                    out[n++] = Character.lowSurrogate(cp);
                    i += 4;
                }
            }
        }
        return new String(out, 0, n);
    }

    /** Whether the string from {@code p} to {@code end} (as for {@link #string}) has the value {@code ascii}. */
    boolean stringIs(int p, int end, String ascii) {
        int length = end - p - 2;
        if (length == ascii.length()) {
            boolean same = true;
            for (int i = 0; i < length; i++) {
                if (data[p + 1 + i] != ascii.charAt(i)) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return true;
            }
        }
        // escaped or non-ASCII spellings of the same value
        for (int i = p + 1; i < end - 1; i++) {
            if (data[i] == '\\') {
                return string(p, end).equals(ascii);
            }
        }
        return false;
    }
}
