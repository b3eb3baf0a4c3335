package dev.llamakit.memory.store;

import dev.llamakit.client.error.LlamaException;
import java.nio.file.Path;

/**
 * A conversation file holds valid records that this store did not write, past the end it knows: another program
 * is writing the same conversation (for example a process that ignored the lock on a network file system). The
 * store never truncates a valid record, so it stops instead; the file is left unchanged and the next access reads
 * it again.
 */
public final class ConcurrentWriterException extends LlamaException {
    private final transient Path file;

    public ConcurrentWriterException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** The conversation file another program wrote. */
    public Path file() {
        return file;
    }
}
