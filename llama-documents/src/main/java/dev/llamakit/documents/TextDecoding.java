package dev.llamakit.documents;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a text file whose encoding is not declared, in this order:
 * <ol>
 *   <li>a byte-order mark: UTF-8, UTF-16LE or UTF-16BE (the mark is dropped);</li>
 *   <li>strict UTF-8;</li>
 *   <li>a single-byte fallback for text that is not valid UTF-8 but holds no NUL and no control byte other than tab,
 *       line feed, form feed and carriage return: Windows-1252 when it uses bytes 0x80-0x9F (curly quotes, the euro
 *       sign), ISO-8859-1 (Latin-1) otherwise.</li>
 * </ol>
 * Anything else (a NUL byte without a UTF-16 mark, control bytes, invalid UTF-16) is binary: {@link NotTextException}
 * says why and where.
 */
public final class TextDecoding {
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private TextDecoding() {
    }

    /**
     * The text of {@code bytes}.
     *
     * @throws NotTextException when the bytes are not text, saying why (a NUL byte, a control byte, invalid UTF-16)
     *                          and at which offset
     */
    public static String decode(byte[] bytes) throws NotTextException {
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            String s = strict(StandardCharsets.UTF_8, bytes, 3);
            if (s == null) {
                throw new NotTextException("binary content (a UTF-8 byte-order mark, then invalid UTF-8)");
            }
            return s;
        }
        if (startsWith(bytes, 0xFF, 0xFE) || startsWith(bytes, 0xFE, 0xFF)) {
            boolean little = bytes[0] == (byte) 0xFF;
            String s = strict(little ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE, bytes, 2);
            if (s == null || s.indexOf('\0') >= 0) {
                throw new NotTextException("binary content (a UTF-16" + (little ? "LE" : "BE")
                        + " byte-order mark, then invalid UTF-16)");
            }
            return s;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new NotTextException("binary content (NUL byte at offset " + i + ")");
            }
        }
        String utf8 = strict(StandardCharsets.UTF_8, bytes, 0);
        if (utf8 != null) {
            return utf8;
        }
        boolean c1 = false;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\f' && b != '\r') || b == 0x7F) {
                throw new NotTextException("binary content (not UTF-8, and a control byte at offset " + i + ")");
            }
            c1 |= b >= 0x80 && b <= 0x9F;
        }
        if (!c1) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        String cp1252 = strict(WINDOWS_1252, bytes, 0);
        if (cp1252 == null) {
            throw new NotTextException("binary content (not UTF-8, Latin-1 or Windows-1252 text)");
        }
        return cp1252;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The strictly decoded text after {@code skip} bytes, or null when the bytes are not valid in {@code charset}. */
    private static String strict(Charset charset, byte[] bytes, int skip) {
        CharsetDecoder d = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return d.decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
