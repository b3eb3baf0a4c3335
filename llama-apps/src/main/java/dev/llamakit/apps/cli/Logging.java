package dev.llamakit.apps.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns on debug logs ({@code -v}) when logback is the SLF4J binding; does nothing otherwise. */
final class Logging {
    private Logging() {
    }

    static void debug() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        try {
            Class<?> level = Class.forName("ch.qos.logback.classic.Level");
            Object debug = level.getField("DEBUG").get(null);
            root.getClass().getMethod("setLevel", level).invoke(root, debug);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // another binding (or none): its own configuration decides
        }
    }
}
