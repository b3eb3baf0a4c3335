package dev.llamakit.retrieval.lucene;

import dev.llamakit.client.error.LlamaException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An on-disk index that this process may not change: a read-only mount, or a folder without write (or read)
 * permission for this user. Nothing is wrong with the index itself; nothing in the directory is changed.
 */
public final class IndexNotWritableException extends LlamaException {
    private final Path directory;

    public IndexNotWritableException(Path directory, Throwable cause) {
        super("cannot write to the index in " + directory + ": the folder is read-only or this user may not change"
                + " it (" + describe(cause) + "). The index is not damaged: make the folder writable (check the mount"
                + " and the permissions) or copy the index to a folder you can write to", cause);
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The index directory that could not be written. */
    public Path directory() {
        return directory;
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "no detail";
        }
        String m = cause.getMessage();
        return cause.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
