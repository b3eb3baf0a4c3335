package dev.llamakit.chat;

import java.util.Objects;

/** Instructions that steer the model for the whole conversation. */
public record SystemMessage(String text) implements Message {
    public SystemMessage {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public Role role() {
        return Role.SYSTEM;
    }
}
