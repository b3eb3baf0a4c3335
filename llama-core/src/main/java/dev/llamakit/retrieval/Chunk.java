package dev.llamakit.retrieval;

import java.util.Map;
import java.util.Objects;

/**
 * A piece of a document that is indexed and retrieved: a stable id ({@code <documentId>#<index>}), the document's
 * id and title, the text, its character offsets in the document's text ({@code [start, end)}), and the document's
 * metadata. Answers cite chunks by these.
 */
public record Chunk(String id, String documentId, int index, String title, String text, int start, int end,
                    Map<String, String> metadata) {
    public Chunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        if (index < 0 || start < 0 || end < start) {
            throw new IllegalArgumentException("bad chunk position: index " + index + ", [" + start + ", " + end + ")");
        }
    }

    /** The stable id of chunk {@code index} of a document. */
    public static String idOf(String documentId, int index) {
        return documentId + "#" + index;
    }

    /** The whole document as one chunk (index 0, offsets over the whole text). */
    public static Chunk whole(Document document) {
        return new Chunk(idOf(document.id(), 0), document.id(), 0, document.title(), document.text(), 0,
                document.text().length(), document.metadata());
    }
}
