package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.Arrays;
import java.util.List;

/** Weighted sum of per-ranking min-max normalised scores; a chunk absent from a ranking scores 0 there. */
final class MinMaxFusion extends WeightedFusion {
    MinMaxFusion(double[] weights) {
        super(weights);
    }

    @Override
    double[] contributions(List<RetrievedChunk> hits, int ranking, double weight) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < hits.size(); i++) {
            double score = hits.get(i).score();
            if (!Double.isFinite(score)) {
                throw new IllegalArgumentException("minmax fusion needs finite scores; ranking " + (ranking + 1)
                        + " has " + score + " at position " + (i + 1));
            }
            min = Math.min(min, score);
            max = Math.max(max, score);
        }
        double range = max - min;
        double[] contributions = new double[hits.size()];
        for (int i = 0; i < hits.size(); i++) {
            double normalised = range > 0 ? (hits.get(i).score() - min) / range : 1.0;
            contributions[i] = weight * normalised;
        }
        return contributions;
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
