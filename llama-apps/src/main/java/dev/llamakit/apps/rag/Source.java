package dev.llamakit.apps.rag;

import java.util.Objects;

/**
 * A retrieved source: its number (as cited in the answer, or continuing after the cited ones for an uncited
 * source), the document's id and title, the path it was loaded from ({@code null} when unknown), the chunk's
 * offsets in the document's text, a snippet (the retriever's highlight, or the chunk's beginning) and the
 * retrieval score.
 */
public record Source(int number, String documentId, String title, String path, int start, int end, String snippet,
                     double score) {
    public Source {
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(snippet, "snippet");
    }

    Source renumbered(int newNumber) {
        return new Source(newNumber, documentId, title, path, start, end, snippet, score);
    }
}
