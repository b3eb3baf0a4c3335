package dev.llamakit.apps.cli.repl;

/** Where the chat REPL reads its lines: a terminal's line editor or plain standard input. */
public interface ReplInput extends AutoCloseable {

    /**
     * The next line, continuations ({@code \} at a line's end) joined with newlines and control characters removed
     * ({@link TypedText#clean}); an empty string after Ctrl-C at the prompt; null at the end of input (Ctrl-D).
     */
    String readLine(String prompt);

    /** Whether a person types at a terminal here (prompts are shown, editing is the line editor's). */
    boolean interactive();

    /** Runs {@code handler} on Ctrl-C outside {@link #readLine}; returns what removes it. */
    Runnable onInterrupt(Runnable handler);

    @Override
    void close();
}
