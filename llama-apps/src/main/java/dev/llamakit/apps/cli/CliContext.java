package dev.llamakit.apps.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where a run of the command line reads and writes: its streams, its environment, whether it talks to a terminal
 * (progress lines, prompts, the Ctrl-C handler) and the home folder (default session store). Tests pass their own.
 *
 * @param in       standard input (the chat REPL, {@code summarize -})
 * @param out      results
 * @param err      errors, warnings and progress
 * @param env      environment variables ({@code LLAMA_API_KEY}, {@code LLAMA_BASE_URL})
 * @param terminal whether output goes to a terminal ({@code System.console() != null})
 * @param home     the user's home folder ({@code ~/.llamakit/sessions} lives there)
 * @param interrupts installs a Ctrl-C handler and returns what removes it ({@code SIGINT} for the process; tests
 *                 keep the handler and call it themselves)
 */
public record CliContext(InputStream in, PrintWriter out, PrintWriter err, UnaryOperator<String> env, boolean terminal,
                         Path home, Function<Runnable, Runnable> interrupts) {
    public CliContext {
        Objects.requireNonNull(interrupts, "interrupts");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(home, "home");
    }

    /** The process's own streams and environment. */
    public static CliContext system() {
        return new CliContext(System.in,
                new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                System::getenv, System.console() != null, Path.of(System.getProperty("user.home")),
                System.console() != null ? InterruptHandler::install : handler -> () -> { });
    }

    /** A context for tests: the given streams, only the given variables, never a terminal. */
    public static CliContext of(InputStream in, PrintWriter out, PrintWriter err, Map<String, String> env, Path home) {
        Map<String, String> copy = Map.copyOf(env);
        return new CliContext(in, out, err, copy::get, false, home, handler -> () -> { });
    }

    /** A variable, or null when unset or blank. */
    String variable(String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? null : value;
    }
}
