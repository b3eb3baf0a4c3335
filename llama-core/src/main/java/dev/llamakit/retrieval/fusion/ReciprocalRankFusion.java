package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.Arrays;
import java.util.List;

/** {@code score = Σ weight_i / (k + rank_i)} over the rankings a chunk appears in, ranks from 1. */
final class ReciprocalRankFusion extends WeightedFusion {
    private final int k;

    ReciprocalRankFusion(int k, double[] weights) {
        super(checkK(k, weights));
        this.k = k;
    }

    /** Checks {@code k} before the weights are, as before: returns {@code weights}. */
    private static double[] checkK(int k, double[] weights) {
        if (k < 0) {
            throw new IllegalArgumentException("rrf k must be >= 0, got " + k);
        }
        return weights;
    }

    @Override
    double[] contributions(List<RetrievedChunk> hits, int ranking, double weight) {
        double[] contributions = new double[hits.size()];
        for (int i = 0; i < hits.size(); i++) {
            int rank = i + 1;
            contributions[i] = weight / (k + rank);
        }
        return contributions;
    }

    @Override
    public String name() {
        return "rrf";
    }

    @Override
    public String toString() {
        return "rrf(k=" + k + (weights.length == 0 ? "" : ", weights=" + Arrays.toString(weights)) + ")";
    }
}
