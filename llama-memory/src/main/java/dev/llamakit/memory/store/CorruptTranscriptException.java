package dev.llamakit.memory.store;

import dev.llamakit.client.error.LlamaException;
import java.nio.file.Path;

/**
 * A conversation file holds a damaged record that is not a torn write at its end: a record in the middle of the
 * file does not parse or fails its checksum, records are out of order, or the file was written by a newer,
 * unknown format version. The store refuses to guess: it reports the file, the line (counted from 1) and the
 * byte offset, leaves the file unchanged, and keeps serving the other conversations.
 *
 * <p>To repair a file by hand, keep a copy, then remove (or fix) the named line: every line is one
 * self-contained JSON record, so the rest of the conversation stays readable.
 */
public class CorruptTranscriptException extends LlamaException {
    private final transient Path file;
    private final long line;
    private final long byteOffset;

    public CorruptTranscriptException(Path file, long line, long byteOffset, String problem) {
        super("conversation file " + file + " is corrupt at line " + line + " (byte offset " + byteOffset + "): "
                + problem + "; the file was left unchanged");
        this.file = file;
        this.line = line;
        this.byteOffset = byteOffset;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** The damaged line, counted from 1. */
    public long line() {
        return line;
    }

    /** Where the damaged line starts, in bytes from the start of the file. */
    public long byteOffset() {
        return byteOffset;
    }
}
