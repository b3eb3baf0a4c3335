package dev.llamakit.chat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * An image content part. The URL is either an {@code http(s)} URL or a base64 {@code data:} URI;
 * {@link #ofBytes(byte[])} and {@link #ofFile(Path)} build the latter, detecting the type from the bytes.
 * Inline images must be JPEG, PNG, GIF, WEBP or ICO and at most {@value #MAX_BYTES} bytes (the Llama API's
 * documented limit is 25 MB per image).
 */
public record ImagePart(String url) implements ContentPart {
    /** The largest inline image accepted: 25 MB. */
    public static final long MAX_BYTES = 25L * 1024 * 1024;
    private static final Set<String> SUPPORTED = Set.of("image/jpeg", "image/png", "image/gif", "image/webp", "image/x-icon");

    public ImagePart {
        Objects.requireNonNull(url, "url");
        if (url.isBlank()) {
            throw new IllegalArgumentException("image url must not be blank");
        }
        if (!(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("data:image/"))) {
            throw new IllegalArgumentException("image url must be an http(s) URL or a data:image/... URI, got: "
                    + (url.length() > 40 ? url.substring(0, 40) + "..." : url));
        }
    }

    /** An image given inline; its type is detected from the bytes. */
    public static ImagePart ofBytes(byte[] image) {
        Objects.requireNonNull(image, "image");
        String type = detectType(image);
        if (type == null) {
            throw new IllegalArgumentException("unsupported image type: the bytes are not JPEG, PNG, GIF, WEBP or ICO");
        }
        return ofBytes(image, type);
    }

    /** An image given inline with its MIME type, encoded as a {@code data:<mimeType>;base64,...} URI. */
    public static ImagePart ofBytes(byte[] image, String mimeType) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(mimeType, "mimeType");
        if (!SUPPORTED.contains(mimeType)) {
            throw new IllegalArgumentException("unsupported image type " + mimeType + "; supported: " + String.join(", ", SUPPORTED.stream().sorted().toList()));
        }
        checkSize(image.length, "image");
        if (image.length == 0) {
            throw new IllegalArgumentException("image is empty");
        }
        return new ImagePart("data:" + mimeType + ";base64," + Base64.getEncoder().encodeToString(image));
    }

    /** An image read from a file; its type is detected from the bytes, not the file name. */
    public static ImagePart ofFile(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            checkSize(Files.size(file), file.toString());
            byte[] bytes = Files.readAllBytes(file);
            String type = detectType(bytes);
            if (type == null) {
                throw new IllegalArgumentException("unsupported image type in " + file + ": not JPEG, PNG, GIF, WEBP or ICO");
            }
            return ofBytes(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file, e);
        }
    }

    /** The MIME type of the image in {@code bytes}, from its magic number, or {@code null} when unknown. */
    static String detectType(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return "image/jpeg";
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return "image/png";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return "image/gif";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "image/webp";
        }
        if (b.length >= 6 && b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 0 && (b[4] != 0 || b[5] != 0)) {
            return "image/x-icon";
        }
        return null;
    }

    private static void checkSize(long size, String what) {
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException(what + " is " + size + " bytes; inline images may be at most " + MAX_BYTES
                    + " bytes (25 MB)");
        }
    }

    /** Shortens inline data so that logs and test output stay readable. */
    @Override
    public String toString() {
        String shown = url.startsWith("data:") && url.length() > 48 ? url.substring(0, 48) + "...(" + url.length() + " chars)" : url;
        return "ImagePart[url=" + shown + "]";
    }
}
