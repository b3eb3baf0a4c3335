package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.Arrays;
import java.util.List;

/** {@code score = Σ weight_i / (k + rank_i)} over the rankings a chunk appears in, ranks from 1. */
final class ReciprocalRankFusion implements RankFusion {
    private final int k;
    private final double[] weights; // empty: 1 for every ranking

    ReciprocalRankFusion(int k, double[] weights) {
        if (k < 0) {
            throw new IllegalArgumentException("rrf k must be >= 0, got " + k);
        }
        this.k = k;
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
            for (int i = 0; i < hits.size(); i++) {
                int rank = i + 1;
                fused.add(hits.get(i), rank, weight / (k + rank));
            }
        }
        return fused.top(topK, retriever);
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
