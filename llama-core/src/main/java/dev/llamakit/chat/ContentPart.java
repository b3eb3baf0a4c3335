package dev.llamakit.chat;

/** One item of a message's content: text or an image. */
public sealed interface ContentPart permits TextPart, ImagePart {

    /** A text part. */
    static TextPart text(String text) {
        return new TextPart(text);
    }

    /** An image part referring to an {@code http(s)} URL or a {@code data:} URI. */
    static ImagePart imageUrl(String url) {
        return new ImagePart(url);
    }
}
