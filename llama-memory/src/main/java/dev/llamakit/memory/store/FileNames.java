package dev.llamakit.memory.store;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.Set;

/**
 * Maps conversation ids to file names and back. Lower-case ASCII letters, digits, {@code -} and {@code _} are kept;
 * every other UTF-8 byte becomes {@code %XX} (upper-case hex), so a name never holds a path separator, a dot, a
 * space or an upper-case letter: no path traversal, no hidden files, and two ids never map to names that differ only
 * in case (which would collide on macOS and Windows). Windows device names ({@code con}, {@code nul}, ...) get their
 * first letter escaped. A name longer than {@value #MAX_NAME} characters is cut and suffixed with {@code ~} and a
 * SHA-256 of the id; such a name cannot be decoded, and the id is read from the file's header instead.
 */
final class FileNames {
    static final String EXTENSION = ".jsonl";
    static final int MAX_NAME = 160;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Set<String> DEVICES = Set.of("con", "prn", "aux", "nul", "com0", "com1", "com2", "com3",
            "com4", "com5", "com6", "com7", "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6",
            "lpt7", "lpt8", "lpt9");

    private FileNames() {
    }

    /** Rejects ids that cannot name a conversation file: empty, or not valid Unicode (a lone surrogate). */
    static void check(String id) {
        if (id.isEmpty()) {
            throw new IllegalArgumentException("conversation id must not be empty");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("conversation id is not valid Unicode (a lone surrogate at index " + i + ")");
            }
        }
    }

    /** The file name of a conversation (with the {@value #EXTENSION} extension). */
    static String encode(String id) {
        check(id);
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        StringBuilder name = new StringBuilder(utf8.length + 8);
        for (byte b : utf8) {
            int c = b & 0xff;
            if (plain(c)) {
                name.append((char) c);
            } else {
                escape(name, c);
            }
        }
        if (DEVICES.contains(name.toString())) {
            StringBuilder escaped = new StringBuilder();
            escape(escaped, name.charAt(0));
            name.replace(0, 1, escaped.toString());
        }
        if (name.length() > MAX_NAME) {
            int cut = 96;
            // never cut an escape in two
            if (name.charAt(cut - 1) == '%') {
                cut -= 1;
            } else if (name.charAt(cut - 2) == '%') {
                cut -= 2;
            }
            name.setLength(cut);
            name.append('~').append(sha256(id), 0, 32);
        }
        return name.append(EXTENSION).toString();
    }

    /** The id a file name stands for; empty for names this store did not make, or that were shortened. */
    static Optional<String> decode(String fileName) {
        if (!fileName.endsWith(EXTENSION)) {
            return Optional.empty();
        }
        String name = fileName.substring(0, fileName.length() - EXTENSION.length());
        if (name.isEmpty() || name.indexOf('~') >= 0) {
            return Optional.empty();
        }
        ByteBuffer bytes = ByteBuffer.allocate(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' && i + 2 < name.length()) {
                int hi = hex(name.charAt(i + 1));
                int lo = hex(name.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else if (c < 0x80 && plain(c)) {
                bytes.put((byte) c);
            } else {
                return Optional.empty();
            }
        }
        bytes.flip();
        try {
            String id = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
            // only the canonical spelling of a name counts (no "%61" for "a")
            return encode(id).equals(fileName) ? Optional.of(id) : Optional.empty();
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether a file name was shortened, so that its id must be read from the file. */
    static boolean isShortened(String fileName) {
        return fileName.endsWith(EXTENSION) && fileName.indexOf('~') >= 0;
    }

    private static boolean plain(int c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    private static void escape(StringBuilder out, int c) {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static String sha256(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
