package dev.llamakit.internal.http;

import java.util.Objects;

/** An API key that never shows itself in {@code toString()}. Internal. */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** Wraps a non-blank key. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "apiKey");
        if (value.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        return new Secret(value.strip());
    }

    /** The key, for the Authorization header only. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
