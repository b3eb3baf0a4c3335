package dev.llamakit.apps.cli.repl;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Where the chat REPL keeps what was typed, across sessions. */
public final class HistoryFile {
    private HistoryFile() {
    }

    /**
     * {@code $LLAMA_HISTORY_FILE} when set, else {@code $XDG_STATE_HOME/llamakit/history}, else
     * {@code ~/.local/state/llamakit/history} (the XDG default).
     */
    public static Path location(UnaryOperator<String> env, Path home) {
        String file = env.apply("LLAMA_HISTORY_FILE");
        if (file != null && !file.isBlank()) {
            return Path.of(file);
        }
        String state = env.apply("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() && Path.of(state).isAbsolute() ? Path.of(state)
                : home.resolve(".local").resolve("state");
        return base.resolve("llamakit").resolve("history");
    }
}
