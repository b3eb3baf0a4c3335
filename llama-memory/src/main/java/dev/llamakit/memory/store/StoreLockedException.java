package dev.llamakit.memory.store;

import dev.llamakit.client.error.LlamaException;
import java.nio.file.Path;

/**
 * A conversation directory (or one of its files) is already in use by another writer: another process, or another
 * {@link FileConversationStore} in this JVM. A directory has one writer at a time; the store refuses to open rather
 * than let two writers cut each other's records. Nothing was changed.
 */
public final class StoreLockedException extends LlamaException {
    private final transient Path path;

    public StoreLockedException(Path path, String message) {
        super(message);
        this.path = path;
    }

    /** The locked directory or file. */
    public Path path() {
        return path;
    }
}
