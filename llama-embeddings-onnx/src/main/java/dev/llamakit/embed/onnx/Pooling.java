package dev.llamakit.embed.onnx;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/** How the per-token vectors of an encoder become one vector for the text. */
public enum Pooling {
    /** The mean of the token vectors the attention mask marks as real (sentence-transformers' default). */
    MEAN,
    /** The vector of the first token, {@code [CLS]} (BGE). */
    CLS;

    /**
     * The pooling named {@code mean} or {@code cls} (any case).
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static Pooling parse(String value) {
        Objects.requireNonNull(value, "value");
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Pooling p : values()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("pooling must be one of " + Arrays.toString(choices()) + ", got '" + value + "'");
    }

    private static String[] choices() {
        return Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }
}
