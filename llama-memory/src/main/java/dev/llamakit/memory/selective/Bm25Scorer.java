package dev.llamakit.memory.selective;

import dev.llamakit.memory.relevance.LexicalIndex;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/** {@link RelevanceScorer#bm25()}: one instance, so that the strategy can recognize it and score incrementally. */
final class Bm25Scorer implements RelevanceScorer {
    static final Bm25Scorer INSTANCE = new Bm25Scorer();

    private Bm25Scorer() {
    }

    @Override
    public double[] score(String query, List<String> candidates) {
        Objects.requireNonNull(candidates, "candidates");
        double[] scores = new double[candidates.size()];
        List<String> terms = List.copyOf(new LinkedHashSet<>(LexicalIndex.terms(query)));
        if (terms.isEmpty() || candidates.isEmpty()) {
            return scores;
        }
        LexicalIndex index = LexicalIndex.of(candidates);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = index.score(i, terms);
        }
        return scores;
    }

    @Override
    public String toString() {
        return "bm25";
    }
}
