package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.Arrays;
import java.util.List;

/** Weighted sum of per-ranking min-max normalised scores; a chunk absent from a ranking scores 0 there. */
final class MinMaxFusion implements RankFusion {
    private final double[] weights; // empty: 1 for every ranking

    MinMaxFusion(double[] weights) {
        this.weights = FusedCandidates.checkWeights(weights);
    }

    @Override
    public List<RetrievedChunk> fuse(List<List<RetrievedChunk>> rankings, int topK, String retriever) {
        FusedCandidates.checkArguments(rankings, topK, retriever, weights, name());
        FusedCandidates fused = new FusedCandidates();
        for (int r = 0; r < rankings.size(); r++) {
            double weight = weights.length == 0 ? 1.0 : weights[r];
            if (weight == 0) {
                continue; // switched off: no score, no candidates, no say in ties
            }
            List<RetrievedChunk> hits = FusedCandidates.distinct(rankings.get(r));
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < hits.size(); i++) {
                double score = hits.get(i).score();
                if (!Double.isFinite(score)) {
                    throw new IllegalArgumentException("minmax fusion needs finite scores; ranking " + (r + 1)
                            + " has " + score + " at position " + (i + 1));
                }
                min = Math.min(min, score);
                max = Math.max(max, score);
            }
            double range = max - min;
            for (int i = 0; i < hits.size(); i++) {
                double normalised = range > 0 ? (hits.get(i).score() - min) / range : 1.0;
                fused.add(hits.get(i), i + 1, weight * normalised);
            }
        }
        return fused.top(topK, retriever);
    }

    @Override
    public String name() {
        return "minmax";
    }

    @Override
    public String toString() {
        return "minmax(weights=" + (weights.length == 0 ? "equal" : Arrays.toString(weights)) + ")";
    }
}
