package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;
import java.util.List;

/**
 * A fusion that sums, per chunk, a weighted contribution from each ranking it appears in: the loop over the
 * rankings (a weight of 0 switches a ranking off: no score, no candidates, no say in ties), duplicate removal and
 * the final order are here; subclasses say what one ranking's hits contribute.
 */
abstract class WeightedFusion implements RankFusion {
    /** The weight of each ranking; empty: 1 for every ranking. */
    final double[] weights;

    WeightedFusion(double[] weights) {
        this.weights = FusedCandidates.checkWeights(weights);
    }

    @Override
    public final List<RetrievedChunk> fuse(List<List<RetrievedChunk>> rankings, int topK, String retriever) {
        FusedCandidates.checkArguments(rankings, topK, retriever, weights, name());
        FusedCandidates fused = new FusedCandidates();
        for (int r = 0; r < rankings.size(); r++) {
            double weight = weights.length == 0 ? 1.0 : weights[r];
            if (weight == 0) {
                continue;
            }
            List<RetrievedChunk> hits = FusedCandidates.distinct(rankings.get(r));
            double[] contributions = contributions(hits, r, weight);
            for (int i = 0; i < hits.size(); i++) {
                fused.add(hits.get(i), i + 1, contributions[i]);
            }
        }
        return fused.top(topK, retriever);
    }

    /**
     * What each of {@code hits} (ranking number {@code ranking}, from 0, without duplicates, best first) adds to its
     * chunk's fused score, {@code weight} applied.
     */
    abstract double[] contributions(List<RetrievedChunk> hits, int ranking, double weight);
}
