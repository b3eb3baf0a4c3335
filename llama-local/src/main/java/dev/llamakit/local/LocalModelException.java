package dev.llamakit.local;

import dev.llamakit.client.error.LlamaException;
import java.util.Objects;

/** A local model cannot serve a request, or cannot be loaded; {@link #reason()} says why. */
public class LocalModelException extends LlamaException {
    /** Why a local model failed. */
    public enum Reason {
        /** The model file is missing, unreadable or not a GGUF model llama.cpp can load. */
        MODEL_FILE,
        /** The model file has no {@code tokenizer.chat_template} and none was configured. */
        NO_CHAT_TEMPLATE,
        /** The prompt does not fit the context window. */
        CONTEXT_OVERFLOW,
        /** The request asks for something this model cannot do (e.g. tools without a tool-aware template). */
        UNSUPPORTED,
        /** llama.cpp failed while generating (the message is llama.cpp's). */
        GENERATION,
        /** The model was closed. */
        CLOSED
    }

    private final Reason reason;

    public LocalModelException(Reason reason, String message) {
        this(reason, message, null);
    }

    public LocalModelException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
