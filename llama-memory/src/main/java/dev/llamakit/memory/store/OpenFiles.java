package dev.llamakit.memory.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide registry of the store's open files: at most one {@link FileChannel} per file in this JVM.
 *
 * <p>A {@link FileLock} is a POSIX lock owned by the process: closing <em>any</em> channel on the file in this JVM
 * releases it. So nothing in the store opens a file directly; every use goes through here and shares the one
 * channel, which is closed when its last user is done. A file has at most one writer in the JVM; the writer holds
 * the exclusive OS lock. Internal.
 */
final class OpenFiles {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFiles.class);
    /** Guarded by itself. */
    private static final Map<Path, Shared> OPEN = new HashMap<>();

    private OpenFiles() {
    }

    /** One use of an open file; close it exactly once. */
    static final class Handle implements AutoCloseable {
        private final Shared shared;
        private final boolean writer;
        private final boolean created;
        private boolean closed;

        private Handle(Shared shared, boolean writer, boolean created) {
            this.shared = shared;
            this.writer = writer;
            this.created = created;
        }

        FileChannel channel() {
            return shared.channel;
        }

        /** Whether this call created the file. */
        boolean created() {
            return created;
        }

        @Override
        public void close() {
            release(this);
        }
    }

    private static final class Shared {
        final Path key;
        final FileChannel channel;
        FileLock lock;
        int users;
        boolean writer;

        Shared(Path key, FileChannel channel) {
            this.key = key;
            this.channel = channel;
        }
    }

    /**
     * Opens {@code file} read-write, sharing the channel this JVM already has on it; {@code null} when it does not
     * exist and {@code create} is false. A {@code writer} also takes the exclusive OS lock (kept until it closes).
     *
     * @param what the file in user words, for messages ("conversation directory /x")
     * @throws StoreLockedException when another writer in this JVM, or another process, holds the file
     */
    static Handle open(Path file, boolean create, boolean writer, String what) throws IOException {
        Path key = key(file);
        synchronized (OPEN) {
            Shared shared = OPEN.get(key);
            boolean created = false;
            if (shared == null) {
                FileChannel channel;
                if (create) {
                    try {
                        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                                StandardOpenOption.CREATE_NEW);
                        created = true;
                    } catch (FileAlreadyExistsException e) {
                        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    }
                } else {
                    try {
                        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    } catch (NoSuchFileException e) {
                        return null;
                    }
                }
                shared = new Shared(key, channel);
            } else if (writer && shared.writer) {
                throw new StoreLockedException(file, what + " is already open in another FileConversationStore of "
                        + "this JVM; use one store per directory (a store is thread-safe) or close the other first");
            }
            if (writer && shared.lock == null) {
                lock(shared, file, what);
            }
            shared.writer |= writer;
            shared.users++;
            OPEN.put(key, shared);
            return new Handle(shared, writer, created);
        }
    }

    /** Whether this JVM has {@code file} open (for tests). */
    static boolean isOpen(Path file) {
        Path key = key(file);
        synchronized (OPEN) {
            return OPEN.containsKey(key);
        }
    }

    private static void lock(Shared shared, Path file, String what) throws IOException {
        FileLock lock;
        try {
            lock = shared.channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // locked in this JVM by code that is not the store
        } catch (IOException e) {
            LOG.warn("cannot lock {} ({}); make sure only one process writes it", file, e.toString());
            return;
        }
        if (lock == null) {
            String owner = owner(shared.channel);
            if (shared.users == 0) {
                shared.channel.close(); // never registered: no other channel on this file in this JVM
            }
            throw new StoreLockedException(file, what + " is in use by another process" + owner + "; one process "
                    + "writes a conversation directory at a time");
        }
        shared.lock = lock;
    }

    /** " (pid 123)" when the file names its owner, as the store's LOCK file does; else empty. */
    private static String owner(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("pid \\d+") ? " (" + text + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void release(Handle handle) {
        synchronized (OPEN) {
            if (handle.closed) {
                return;
            }
            handle.closed = true;
            Shared shared = handle.shared;
            shared.users--;
            if (handle.writer) {
                shared.writer = false;
            }
            if (shared.users > 0) {
                if (handle.writer && shared.lock != null) {
                    try {
                        shared.lock.release();
                    } catch (IOException e) {
                        LOG.debug("cannot release the lock on {}: {}", shared.key, e.toString());
                    }
                    shared.lock = null;
                }
                return;
            }
            OPEN.remove(shared.key, shared);
            try {
                shared.channel.close(); // releases its lock too
            } catch (IOException e) {
                LOG.warn("cannot close {}: {}", shared.key, e.toString());
            }
        }
    }

    /** The file's identity: its directory's real path (symbolic links resolved) and its name. */
    private static Path key(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            return absolute;
        }
        try {
            return parent.toRealPath().resolve(absolute.getFileName().toString());
        } catch (IOException e) {
            return absolute;
        }
    }
}
