package dev.llamakit.memory.selective;

import dev.llamakit.memory.relevance.LexicalIndex;
import java.util.List;

/**
 * Scores past messages by relevance to the current turn, for {@link SelectiveRetentionStrategy}. Scores are
 * non-negative and only their ratios matter (the strategy divides by the largest). Implementations must be
 * thread-safe and deterministic. Pass one to {@link SelectiveRetentionStrategy.Builder#scorer}, or to the provider
 * as a service: {@code ProviderOptions.builder().service(RelevanceScorer.class, myScorer)}.
 */
@FunctionalInterface
public interface RelevanceScorer {

    /**
     * Scores each candidate against the query.
     *
     * @param query the current user turn's text
     * @param candidates the texts of the past message units, oldest first
     * @return one non-negative score per candidate, in the same order (0 = unrelated)
     */
    double[] score(String query, List<String> candidates);

    /**
     * BM25 over the candidates (k1 = 1.2, b = 0.75; see {@link LexicalIndex}): the default. Cost: linear in the
     * candidates' text plus one lookup per (candidate, distinct query term). {@link SelectiveRetentionStrategy} recognizes
     * it and keeps the index between turns instead of rebuilding it.
     */
    static RelevanceScorer bm25() {
        return Bm25Scorer.INSTANCE;
    }
}
