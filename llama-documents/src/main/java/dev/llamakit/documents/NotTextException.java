package dev.llamakit.documents;

import java.io.IOException;

/** The bytes of a file are not text in any encoding {@link TextDecoding} recognises (binary content). */
public final class NotTextException extends IOException {
    public NotTextException(String message) {
        super(message);
    }
}
