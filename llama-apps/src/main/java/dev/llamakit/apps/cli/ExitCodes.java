package dev.llamakit.apps.cli;

/** The command line's exit codes. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A usage error: unknown option, missing argument (reported by picocli). */
    public static final int USAGE = 1;
    /** An input error: missing, empty or binary file; unknown retriever or memory name; no server configured. */
    public static final int INPUT = 2;
    /** A service error: unreachable server, 401, any other failure of the model or the index. */
    public static final int SERVICE = 3;

    private ExitCodes() {
    }
}
