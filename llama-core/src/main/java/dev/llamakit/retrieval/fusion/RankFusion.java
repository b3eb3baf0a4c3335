package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.List;
import java.util.Locale;

/**
 * Merges several rankings of the same query (e.g. BM25 and vector) into one. Hits are matched by chunk id; a chunk
 * that appears twice in one ranking counts once, at its best rank. Ties are broken by the best rank the chunk had
 * in any input, then by chunk id, so the result is deterministic. Shared by every hybrid retriever.
 */
public interface RankFusion {

    /**
     * The fused ranking, best first, at most {@code topK}, each hit re-ranked from 1 and attributed to
     * {@code retriever}; the highlight is the first input's that has one.
     */
    List<RetrievedChunk> fuse(List<List<RetrievedChunk>> rankings, int topK, String retriever);

    /** The short name: {@code rrf} or {@code minmax}. */
    String name();

    /** Reciprocal rank fusion: {@code score = Σ 1 / (k + rank)}, ranks counted from 1 (Cormack et al. use k = 60). */
    static RankFusion reciprocalRank(int k) {
        return new ReciprocalRankFusion(k);
    }

    /**
     * Weighted min-max fusion: each ranking's scores are rescaled to [0, 1] ({@code (s - min) / (max - min)}; all 1
     * when every score is equal), a chunk missing from a ranking gets 0 there, and the fused score is
     * {@code Σ weight_i · normalised_i}. One weight per ranking, each ≥ 0, not all 0.
     */
    static RankFusion minMax(double... weights) {
        return new MinMaxFusion(weights);
    }

    /**
     * {@code rrf} (k = {@code rrfK}) or {@code minmax} (weights {@code weights}); fails naming the allowed values
     * on anything else.
     */
    static RankFusion named(String name, int rrfK, double... weights) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "rrf":
                return reciprocalRank(rrfK);
            case "minmax":
            case "min-max":
                return minMax(weights);
            default:
                throw new IllegalArgumentException("unknown fusion '" + name + "': use rrf or minmax");
        }
    }
}
