package dev.llamakit.structured;

import dev.llamakit.client.error.LlamaException;
import java.util.Objects;

/**
 * The model's reply could not be read as the requested type: it is not JSON (or not only JSON), or its JSON
 * does not match the type (a missing, unknown or mistyped property, a bad enum value); the message names the
 * property's path, e.g. {@code $.items[2].price}. The reply itself is in {@link #rawText()}, never in the
 * message.
 */
public class StructuredOutputException extends LlamaException {
    private final String rawText;

    /**
     * @param message what was wrong
     * @param rawText the model's text as received
     * @param cause   the parser's exception, or {@code null}
     */
    public StructuredOutputException(String message, String rawText, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.rawText = Objects.requireNonNull(rawText, "rawText");
    }

    /** The model's text as received (for logging, or to show the model its mistake). */
    public String rawText() {
        return rawText;
    }
}
