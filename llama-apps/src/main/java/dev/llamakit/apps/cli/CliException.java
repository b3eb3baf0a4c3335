package dev.llamakit.apps.cli;

/** A failure the command line reports as one line on stderr with its exit code. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** An input error (exit code 2): a missing, empty or binary file, an unknown name, offline where a server is needed. */
    public static CliException input(String message) {
        return new CliException(ExitCodes.INPUT, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
