package dev.llamakit.internal.http;

import java.util.Objects;

/** A credential that never shows itself in {@code toString()}. Internal. */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a non-blank API key, stripped of surrounding white space (a key read from a file often ends with a
     * line break), after checking that it can be sent in a header.
     *
     * @throws IllegalArgumentException in words that never quote the key
     */
    public static Secret of(String value) {
        return of(value, "the API key");
    }

    /** As {@link #of(String)}, naming the credential {@code what} in errors. */
    public static Secret of(String value, String what) {
        Objects.requireNonNull(value, "apiKey");
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        String key = value.strip();
        HeaderValues.requireValidKey(key, what);
        return new Secret(key);
    }

    /** Wraps a header value that is a credential, checked as any header value. */
    public static Secret header(String name, String value) {
        Objects.requireNonNull(value, "value");
        HeaderValues.requireValidValue(name, value);
        return new Secret(value);
    }

    /** The value, for the request header only. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
