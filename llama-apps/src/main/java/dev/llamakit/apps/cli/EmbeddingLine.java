package dev.llamakit.apps.cli;

import dev.llamakit.embed.EmbeddingProgress;
import java.io.PrintWriter;
import java.util.Locale;

/** Embedding progress on a terminal: {@code embedding 640/5183 chunks}, rewritten in place at most every 200 ms. */
final class EmbeddingLine implements EmbeddingProgress {
    private final PrintWriter err;
    private long lastPrint;

    EmbeddingLine(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void embedded(int done, int total) {
        long now = System.nanoTime();
        if (done == total || now - lastPrint >= 200_000_000L) {
            lastPrint = now;
            err.print(String.format(Locale.ROOT, "\rembedding %d/%d chunks   ", done, total));
            err.flush();
        }
    }
}
