package dev.llamakit.apps.cli;

import dev.llamakit.local.LocalChatModel;
import dev.llamakit.local.LocalModelException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The in-process model of {@code --model-file}: loaded once, with a progress line on stderr; a bad file is an input error. */
final class LocalModel {
    private final LocalChatModel model;

    LocalModel(String file, Integer threads, Integer ctxSize, PrintWriter err, boolean quiet) {
        Path path = Path.of(file);
        LocalChatModel.Builder b = LocalChatModel.builder(path);
        try {
            if (threads != null) {
                b.threads(threads);
            }
            if (ctxSize != null) {
                b.contextSize(ctxSize);
            }
        } catch (IllegalArgumentException e) {
            throw CliException.input(e.getMessage());
        }
        if (!quiet) {
            long size = Files.isRegularFile(path) ? path.toFile().length() : 0;
            err.printf(Locale.ROOT, "llama: loading %s (%.1f MB) ...%n", path.getFileName(), size / 1e6);
            err.flush();
        }
        long start = System.nanoTime();
        try {
            model = b.load();
        } catch (LocalModelException e) {
            throw CliException.input(e.getMessage());
        }
        if (!quiet) {
            err.printf(Locale.ROOT, "llama: loaded %s in %.1f s (context %d tokens)%n", model.name(),
                    (System.nanoTime() - start) / 1e9, model.contextSize());
            err.flush();
        }
    }

    LocalChatModel model() {
        return model;
    }
}
