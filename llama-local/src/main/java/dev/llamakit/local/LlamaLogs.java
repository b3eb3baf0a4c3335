package dev.llamakit.local;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;

/** Sends llama.cpp's log lines to {@link System.Logger} {@code dev.llamakit.local.llama.cpp} instead of stdout. */
final class LlamaLogs {
    private static final System.Logger LOG = System.getLogger("dev.llamakit.local.llama.cpp");
    private static boolean installed;

    private LlamaLogs() {
    }

    static synchronized void silence() {
        if (!installed) {
            LlamaModel.setLogger(LogFormat.TEXT, (level, line) ->
                    LOG.log(level == LogLevel.ERROR ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, line.strip()));
            installed = true;
        }
    }
}
