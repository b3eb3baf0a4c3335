package dev.llamakit.retrieval.lucene;

import dev.llamakit.client.error.LlamaException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An on-disk index that cannot be opened as a llamakit index: it is damaged, it is not ours, or it was built with
 * a different analysis or embedder. The retriever refuses it rather than start from an empty index; nothing in the directory
 * is changed.
 */
public final class IndexUnreadableException extends LlamaException {

    /** Why the directory was refused. */
    public enum Reason {
        /** A Lucene index whose files are truncated, missing or fail their checksums. */
        CORRUPT,
        /** Not a llamakit index: a Lucene index written by something else, or a folder holding other files. */
        FOREIGN,
        /**
         * A llamakit index written with another schema version, analyzer, field layout or embedder than requested
         * (vectors of one model are never mixed with another's; an index with vectors is not opened without them).
         */
        INCOMPATIBLE
    }

    private final Path directory;
    private final Reason reason;

    public IndexUnreadableException(Path directory, Reason reason, String message, Throwable cause) {
        super("cannot open the index in " + directory + ": " + message, cause);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public IndexUnreadableException(Path directory, Reason reason, String message) {
        this(directory, reason, message, null);
    }

    /** The index directory that was refused. */
    public Path directory() {
        return directory;
    }

    public Reason reason() {
        return reason;
    }
}
