package dev.llamakit.apps.cli.config;

/** A configuration problem the command line reports in one line: a malformed file (path and line), an unknown key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
