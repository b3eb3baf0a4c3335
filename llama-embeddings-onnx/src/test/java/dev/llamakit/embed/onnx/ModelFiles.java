package dev.llamakit.embed.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies model files shipped on the test classpath into a folder, for the {@code onnx} provider. */
final class ModelFiles {
    /** The full-precision all-MiniLM-L6-v2 (test scope): its vectors do not depend on the batch. */
    static final String MINILM_FP32 = "all-minilm-l6-v2.onnx";
    static final String MINILM_FP32_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private ModelFiles() {
    }

    /** Copies the classpath resource {@code name} to {@code dir/name} (once) and returns the file. */
    static Path copy(String name, Path dir) {
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is not on the classpath");
            }
            Files.createDirectories(dir);
            Files.copy(in, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
