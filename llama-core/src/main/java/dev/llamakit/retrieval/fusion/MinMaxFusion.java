package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.Arrays;
import java.util.List;

/** Weighted sum of per-ranking min-max normalised scores; a chunk absent from a ranking scores 0 there. */
final class MinMaxFusion implements RankFusion {
    private final double[] weights;

    MinMaxFusion(double[] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("minmax fusion needs one weight per ranking");
        }
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("fusion weights must be finite and >= 0, got "
                        + Arrays.toString(weights));
            }
            sum += w;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("fusion weights must not all be 0");
        }
        this.weights = weights.clone();
    }

    @Override
    public List<RetrievedChunk> fuse(List<List<RetrievedChunk>> rankings, int topK, String retriever) {
        if (rankings.size() != weights.length) {
            throw new IllegalArgumentException("minmax fusion has " + weights.length + " weights but got "
                    + rankings.size() + " rankings");
        }
        FusedCandidates fused = new FusedCandidates();
        for (int r = 0; r < rankings.size(); r++) {
            List<RetrievedChunk> hits = FusedCandidates.distinct(rankings.get(r));
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (RetrievedChunk hit : hits) {
                min = Math.min(min, hit.score());
                max = Math.max(max, hit.score());
            }
            double range = max - min;
            for (int i = 0; i < hits.size(); i++) {
                double normalised = range > 0 ? (hits.get(i).score() - min) / range : 1.0;
                fused.add(hits.get(i), i + 1, weights[r] * normalised);
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
        return "minmax(weights=" + Arrays.toString(weights) + ")";
    }
}
