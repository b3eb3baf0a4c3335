package dev.llamakit.apps.cli;

import dev.llamakit.documents.NotTextException;
import dev.llamakit.documents.TextDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A text input too long to hold whole, read as it is needed: the bytes already read ({@code head}), then the rest of
 * the stream. Decoded as {@link TextDecoding} decodes a file, block by block: UTF-16 after its byte-order mark, else
 * blocks of about a megabyte ending at a line feed, each UTF-8 or else Latin-1/Windows-1252. Binary content is an
 * input error ({@link CliException}) when it is reached.
 */
final class LongText extends Reader {
    private static final int BLOCK = 1 << 20;

    private final String name;
    private final InputStream bytes;
    private final Reader utf16;
    private final byte[] block = new byte[BLOCK];
    private int carried;
    private String decoded = "";
    private int position;
    private boolean ended;

    LongText(byte[] head, InputStream rest, String name) {
        this.name = Objects.requireNonNull(name, "name");
        InputStream all = new SequenceInputStream(new ByteArrayInputStream(head), Objects.requireNonNull(rest, "rest"));
        boolean little = head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xFE;
        boolean big = head.length >= 2 && (head[0] & 0xFF) == 0xFE && (head[1] & 0xFF) == 0xFF;
        if (little || big) {
            try {
                all.skipNBytes(2);
            } catch (IOException e) {
                throw new IllegalStateException("the first bytes were read already", e);
            }
            this.utf16 = new InputStreamReader(all, little ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
            this.bytes = null;
        } else {
            this.utf16 = null;
            this.bytes = all;
        }
    }

    @Override
    public int read(char[] into, int offset, int length) throws IOException {
        if (utf16 != null) {
            return utf16.read(into, offset, length);
        }
        while (position == decoded.length()) {
            if (ended) {
                return -1;
            }
            nextBlock();
        }
        int n = Math.min(length, decoded.length() - position);
        decoded.getChars(position, position + n, into, offset);
        position += n;
        return n;
    }

    /** Decodes the next block: the carried bytes and more, up to the last line feed (or the end). */
    private void nextBlock() throws IOException {
        int filled = carried + bytes.readNBytes(block, carried, BLOCK - carried);
        ended = filled < BLOCK;
        int end = filled;
        if (!ended) {
            end = lastLineFeed(filled);
        }
        byte[] part = java.util.Arrays.copyOf(block, end);
        carried = filled - end;
        System.arraycopy(block, end, block, 0, carried);
        try {
            decoded = part.length == 0 ? "" : TextDecoding.decode(part);
        } catch (NotTextException e) {
            throw CliException.input(name + " is not text: " + e.getMessage());
        }
        position = 0;
    }

    /** The end of the block's last line; without a line feed, the last UTF-8 character boundary. */
    private int lastLineFeed(int filled) {
        for (int i = filled - 1; i >= filled / 2; i--) {
            if (block[i] == '\n') {
                return i + 1;
            }
        }
        int end = filled;
        while (end > filled - 4 && (block[end - 1] & 0xC0) == 0x80) {
            end--;
        }
        return (block[end - 1] & 0xC0) == 0xC0 ? end - 1 : filled;
    }

    @Override
    public void close() throws IOException {
        if (utf16 != null) {
            utf16.close();
        } else {
            bytes.close();
        }
    }
}
