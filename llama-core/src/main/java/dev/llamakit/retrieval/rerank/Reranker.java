package dev.llamakit.retrieval.rerank;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.List;

/**
 * Reorders the hits of a retrieval before they are used, e.g. for diversity ({@code mmr}) or with a model's judgement
 * of relevance ({@code llm}). Typically a retriever fetches more candidates than needed and the reranker keeps the
 * best {@code topK}. Implementations are thread-safe and never invent hits: the result is a subset of {@code hits},
 * re-ranked from 1.
 */
@FunctionalInterface
public interface Reranker extends AutoCloseable {

    /** At most {@code topK} of {@code hits}, best first, with ranks 1..n. */
    List<RetrievedChunk> rerank(String query, List<RetrievedChunk> hits, int topK);

    /** Frees what the reranker made for itself (e.g. an embedder created by name); never what it was given. */
    @Override
    default void close() {
    }

    /** Keeps the retriever's order (and its first {@code topK}). */
    static Reranker identity() {
        return (query, hits, topK) -> RerankSupport.ranked(hits.subList(0, Math.min(topK, hits.size())));
    }
}
