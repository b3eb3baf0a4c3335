package dev.llamakit.retrieval.rerank;

import dev.llamakit.retrieval.IndexText;
import dev.llamakit.retrieval.RetrievedChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Shared checks and the re-ranking of a chosen order. */
final class RerankSupport {
    private RerankSupport() {
    }

    static void check(String query, List<RetrievedChunk> hits, int topK) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(hits, "hits");
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
    }

    /** The hits in this order, ranks renumbered from 1, scores kept. */
    static List<RetrievedChunk> ranked(List<RetrievedChunk> ordered) {
        List<RetrievedChunk> out = new ArrayList<>(ordered.size());
        for (RetrievedChunk h : ordered) {
            out.add(new RetrievedChunk(h.chunk(), h.score(), out.size() + 1, h.retriever(), h.highlight()));
        }
        return List.copyOf(out);
    }

    /** The text a reranker judges: the chunk's {@link IndexText#of index text}, its title then its text. */
    static String passage(RetrievedChunk hit) {
        return IndexText.of(hit.chunk());
    }
}
