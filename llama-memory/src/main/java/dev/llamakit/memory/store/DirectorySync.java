package dev.llamakit.memory.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forces directories to disk, so that the files and directories created in them survive a power cut (a file's own
 * {@code fsync} does not make its name durable). On Linux and macOS a failure is an error; elsewhere (Windows
 * cannot open a directory) it is skipped, as Lucene does. Internal.
 */
final class DirectorySync {
    private static final Logger LOG = LoggerFactory.getLogger(DirectorySync.class);
    private static final boolean REQUIRED;

    static {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        REQUIRED = os.startsWith("linux") || os.startsWith("mac");
    }

    private DirectorySync() {
    }

    /** Forces {@code directory}: the entries created in it so far become durable. */
    static void sync(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (REQUIRED) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
            LOG.debug("cannot fsync directory {} on this platform: {}", directory, e.toString());
        }
    }

    /**
     * Forces {@code directory} and each of its ancestors: whoever created them (this run, or an earlier one that
     * crashed before forcing them), their names are durable afterwards. An ancestor above the parent that this
     * process may not read is skipped (it existed long before the store).
     */
    static void syncWithAncestors(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        int level = 0;
        for (Path dir = absolute; dir != null; dir = dir.getParent(), level++) {
            try {
                sync(dir);
            } catch (AccessDeniedException e) {
                if (level < 2) {
                    throw e;
                }
                LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
                return;
            }
        }
    }
}
