package dev.llamakit.apps.cli.repl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * Lines from a stream that is not a terminal (a script, a pipe): read as they are, a line ending with {@code \}
 * continued by the next one, escape codes and control characters removed. Prompts are written only when asked.
 */
public final class PlainInput implements ReplInput {
    private final BufferedReader reader;
    private final PrintWriter prompts;
    private final Function<Runnable, Runnable> interrupts;

    /**
     * @param prompts    where prompts go, or null for none
     * @param interrupts installs a Ctrl-C handler and returns what removes it
     */
    public PlainInput(InputStream in, PrintWriter prompts, Function<Runnable, Runnable> interrupts) {
        this.reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(in, "in"), StandardCharsets.UTF_8));
        this.prompts = prompts;
        this.interrupts = Objects.requireNonNull(interrupts, "interrupts");
    }

    @Override
    public String readLine(String prompt) {
        if (prompts != null) {
            prompts.print(prompt);
            prompts.flush();
        }
        try {
            StringBuilder text = new StringBuilder();
            while (true) {
                String line = reader.readLine();
                if (line == null) {
                    return text.isEmpty() ? null : TypedText.clean(text.toString());
                }
                if (!TypedText.continues(line)) {
                    return TypedText.clean(text.append(line).toString());
                }
                text.append(line, 0, line.length() - 1).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public Runnable onInterrupt(Runnable handler) {
        return interrupts.apply(handler);
    }

    @Override
    public void close() {
        // standard input is not ours to close
    }
}
