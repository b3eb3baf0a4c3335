package dev.llamakit.chat;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** A message from the user: text, optionally with images. */
public record UserMessage(List<ContentPart> parts) implements Message {
    public UserMessage {
        parts = List.copyOf(Objects.requireNonNull(parts, "parts"));
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a user message needs at least one content part");
        }
    }

    /** A user message with a single text part. */
    public static UserMessage of(String text) {
        return new UserMessage(List.of(new TextPart(text)));
    }

    @Override
    public Role role() {
        return Role.USER;
    }

    @Override
    public String text() {
        return parts.stream()
                .filter(TextPart.class::isInstance)
                .map(p -> ((TextPart) p).text())
                .collect(Collectors.joining("\n"));
    }

    /** Whether the message holds only text (no images). */
    public boolean isTextOnly() {
        return parts.stream().allMatch(TextPart.class::isInstance);
    }
}
