package dev.llamakit.embed.onnx;

import dev.llamakit.client.error.LlamaException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A model or tokenizer that cannot be loaded or run: a missing or unreadable file, a file that is not an ONNX model
 * or not a {@code tokenizer.json}, a model whose inputs are not those of a sentence-transformer encoder, or a
 * failure inside ONNX Runtime. The message names the file (or classpath resource) involved.
 */
public final class EmbedderException extends LlamaException {
    private final transient Path file;

    /** A failure not tied to one file. */
    public EmbedderException(String message, Throwable cause) {
        super(message, cause);
        this.file = null;
    }

    /** A failure about {@code file}. */
    public EmbedderException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The model or tokenizer file involved, when the failure is about a file on disk. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
