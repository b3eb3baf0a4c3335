package dev.llamakit.chat;

import java.util.Objects;

/** A text content part. */
public record TextPart(String text) implements ContentPart {
    public TextPart {
        Objects.requireNonNull(text, "text");
    }
}
