package dev.llamakit.apps.summarize;

import dev.llamakit.apps.text.CodeFences;
import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * A long text read in pieces of at most about {@code pieceChars} characters, holding one piece and the next's start:
 * each is cut at the last blank line of its second half, else at the last sentence end, else at the last space. A
 * fenced code block cut in two is closed at the end of its first piece and reopened at the start of the next, so
 * that each piece reads as the text did (code stays code).
 */
final class TextPieces {
    private final Reader reader;
    private final int pieceChars;
    private final char[] buffer = new char[8192];
    private final StringBuilder pending = new StringBuilder();
    private boolean ended;
    private String reopen = "";

    TextPieces(Reader reader, int pieceChars) {
        this.reader = Objects.requireNonNull(reader, "reader");
        if (pieceChars < 16) {
            throw new IllegalArgumentException("pieceChars must be at least 16, got " + pieceChars);
        }
        this.pieceChars = pieceChars;
    }

    /** The next piece, or null at the end of the text. */
    String next() throws IOException {
        while (!ended && pending.length() < pieceChars) {
            int n = reader.read(buffer, 0, Math.min(buffer.length, pieceChars - pending.length()));
            if (n < 0) {
                ended = true;
            } else {
                pending.append(buffer, 0, n);
            }
        }
        if (pending.length() == 0) {
            return null;
        }
        int cut = ended ? pending.length() : cut();
        String piece = reopen + pending.substring(0, cut);
        pending.delete(0, cut);
        reopen = "";
        java.util.Optional<String> open = CodeFences.openAtEnd(piece);
        if (open.isPresent()) { // a code block goes on in the next piece
            piece = piece + "\n" + open.get() + "\n";
            reopen = open.get() + "\n";
        }
        return piece;
    }

    /** Where to end the piece in {@code pending} (full, and more text follows). */
    private int cut() {
        int from = pieceChars / 2;
        int at = pending.lastIndexOf("\n\n");
        if (at >= from) {
            return at + 2;
        }
        for (int i = pending.length() - 2; i >= from; i--) {
            char c = pending.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && Character.isWhitespace(pending.charAt(i + 1))) {
                return i + 2;
            }
        }
        for (int i = pending.length() - 1; i >= from; i--) {
            if (Character.isWhitespace(pending.charAt(i))) {
                return i + 1;
            }
        }
        int end = pending.length();
        return Character.isHighSurrogate(pending.charAt(end - 1)) ? end - 1 : end;
    }
}
