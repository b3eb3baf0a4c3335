package dev.llamakit.retrieval;

import java.util.Objects;
import java.util.Optional;

/**
 * A search hit: the chunk, its score (higher is better; comparable only within one result list), its rank (from
 * 1), the name of the retriever that found it, and the best passage of it for the query, when the retriever
 * highlights.
 */
public record RetrievedChunk(Chunk chunk, double score, int rank, String retriever, String highlight) {
    public RetrievedChunk {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(retriever, "retriever");
        if (rank < 1) {
            throw new IllegalArgumentException("rank counts from 1, got " + rank);
        }
    }

    public Optional<String> highlightIfAny() {
        return Optional.ofNullable(highlight);
    }
}
