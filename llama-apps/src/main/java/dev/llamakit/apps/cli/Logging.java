package dev.llamakit.apps.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line's log level when logback is the SLF4J binding (does nothing otherwise): errors only by default,
 * so that the warnings libraries log (a skipped file, a retry) do not repeat what the command reports itself;
 * everything from DEBUG up with {@code -v}. Logs go to stderr (logback.xml).
 */
final class Logging {
    /** The root level without {@code -v}. */
    static final String QUIET = "ERROR";
    /** The root level with {@code -v}. */
    static final String VERBOSE = "DEBUG";

    private Logging() {
    }

    /** Sets the root level for this run: {@link #VERBOSE} or {@link #QUIET}. */
    static void configure(boolean verbose) {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        try {
            Class<?> level = Class.forName("ch.qos.logback.classic.Level");
            Object value = level.getField(verbose ? VERBOSE : QUIET).get(null);
            root.getClass().getMethod("setLevel", level).invoke(root, value);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // another binding (or none): its own configuration decides
        }
    }
}
