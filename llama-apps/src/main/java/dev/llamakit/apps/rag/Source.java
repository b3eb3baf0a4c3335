package dev.llamakit.apps.rag;

import java.util.Objects;

/**
 * A retrieved source: its number (as cited in the answer, or continuing after the cited ones for an uncited
 * source), the document's id and title, the path it was loaded from ({@code null} when unknown), the chunk's
 * offsets in the document's text, a snippet (the retriever's highlight, or the chunk's beginning) and the
 * retrieval score; the 1-based line of the file where the passage cited (or else the chunk) starts, 0 when unknown.
 */
public record Source(int number, String documentId, String title, String path, int start, int end, String snippet,
                     double score, int line) {
    /** A source whose line in its file is unknown. */
    public Source(int number, String documentId, String title, String path, int start, int end, String snippet,
                  double score) {
        this(number, documentId, title, path, start, end, snippet, score, 0);
    }

    public Source {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(snippet, "snippet");
    }

    Source renumbered(int newNumber) {
        return new Source(newNumber, documentId, title, path, start, end, snippet, score, line);
    }

    Source atLine(int newLine) {
        return new Source(number, documentId, title, path, start, end, snippet, score, newLine);
    }

    /** {@code path:line} when both are known, else the path (or the document id). */
    public String location() {
        String where = path != null && !path.isBlank() ? path : documentId;
        return line > 0 ? where + ":" + line : where;
    }
}
