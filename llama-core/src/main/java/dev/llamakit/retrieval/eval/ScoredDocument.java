package dev.llamakit.retrieval.eval;

import java.util.Objects;

/** A document id with the score a retriever gave it for one query (higher is better). */
public record ScoredDocument(String documentId, double score) {
    public ScoredDocument {
        Objects.requireNonNull(documentId, "documentId");
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("score of '" + documentId + "' is NaN");
        }
    }
}
