package dev.llamakit.chat;

import java.util.Base64;
import java.util.Objects;

/**
 * An image content part. The URL is either an {@code http(s)} URL or a base64 {@code data:} URI;
 * {@link #ofBytes(byte[], String)} builds the latter.
 */
public record ImagePart(String url) implements ContentPart {
    public ImagePart {
        Objects.requireNonNull(url, "url");
        if (url.isBlank()) {
            throw new IllegalArgumentException("image url must not be blank");
        }
    }

    /** An image given inline, encoded as a {@code data:<mimeType>;base64,...} URI. */
    public static ImagePart ofBytes(byte[] image, String mimeType) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(mimeType, "mimeType");
        if (!mimeType.startsWith("image/")) {
            throw new IllegalArgumentException("mimeType must be an image type, got: " + mimeType);
        }
        return new ImagePart("data:" + mimeType + ";base64," + Base64.getEncoder().encodeToString(image));
    }

    /** Shortens inline data so that logs and test output stay readable. */
    @Override
    public String toString() {
        String shown = url.startsWith("data:") && url.length() > 48 ? url.substring(0, 48) + "...(" + url.length() + " chars)" : url;
        return "ImagePart[url=" + shown + "]";
    }
}
