package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Merges several rankings of the same query (e.g. BM25 and vector) into one. Hits are matched by chunk id; a chunk
 * that appears twice in one ranking counts once, at its first (best) position, and ranks are positions in the ranking
 * after such repeats are removed. Ties are broken by the best rank the chunk had in any input, then by chunk id, so
 * the result is deterministic. Shared by every hybrid retriever. Implementations are immutable and thread-safe.
 */
public interface RankFusion {

    /**
     * The fused ranking, best first, at most {@code topK}, each hit re-ranked from 1 and attributed to
     * {@code retriever}; the highlight is the first input's that has one. Each ranking is read in list order (best
     * first); its hits' own {@code rank()} is not consulted.
     *
     * @throws IllegalArgumentException when {@code topK < 1}, when the number of rankings does not match the number
     *     of weights, or (min-max only) when a score is not finite
     */
    List<RetrievedChunk> fuse(List<List<RetrievedChunk>> rankings, int topK, String retriever);

    /** The short name: {@code rrf} or {@code minmax}. */
    String name();

    /**
     * Reciprocal rank fusion: {@code score = Σ 1 / (k + rank)} over the rankings a chunk appears in, ranks counted
     * from 1 (Cormack et al. use k = 60). {@code k >= 0}.
     */
    static RankFusion reciprocalRank(int k) {
        return new ReciprocalRankFusion(k, new double[0]);
    }

    /**
     * Weighted reciprocal rank fusion: {@code score = Σ weight_i / (k + rank_i)}. One weight per ranking, each ≥ 0,
     * not all 0; no weights means 1 for every ranking. Only the ratio of the weights changes the order. A ranking
     * with weight 0 is ignored altogether: its chunks are not candidates and its ranks break no ties.
     */
    static RankFusion reciprocalRank(int k, double... weights) {
        return new ReciprocalRankFusion(k, weights);
    }

    /**
     * Weighted min-max fusion: each ranking's scores are rescaled to [0, 1] ({@code (s - min) / (max - min)}; all 1
     * when every score of the ranking is equal), a chunk missing from a ranking gets 0 there, and the fused score is
     * {@code Σ weight_i · normalised_i}. One weight per ranking, each ≥ 0, not all 0; no weights means 1 for every
     * ranking. Only the ratio of the weights changes the order. A ranking with weight 0 is ignored altogether, as
     * in {@link #reciprocalRank(int, double...)}.
     */
    static RankFusion minMax(double... weights) {
        return new MinMaxFusion(weights);
    }

    /**
     * The name of the default fusion of the hybrid retrievers: {@code minmax} with equal weights. On BEIR SciFact
     * with all-MiniLM-L6-v2 it gave nDCG@10 0.7287 against 0.7157 for RRF (k = 60), as min-max beat RRF on 5 of 6
     * BEIR sets in Anserini's runs; see {@code docs/retrieval.md}.
     */
    String DEFAULT_NAME = "minmax";

    /** The default fusion: {@code minMax()}, equal weights. */
    static RankFusion defaultFusion() {
        return minMax();
    }

    /**
     * {@code rrf} (k = {@code rrfK}, with {@code weights}) or {@code minmax} (also {@code min-max}, with
     * {@code weights}); case and surrounding blanks are ignored. Fails naming the allowed values on anything else.
     */
    static RankFusion named(String name, int rrfK, double... weights) {
        Objects.requireNonNull(name, "name");
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "rrf":
                return reciprocalRank(rrfK, weights);
            case "minmax":
            case "min-max":
                return minMax(weights);
            default:
                throw new IllegalArgumentException("unknown fusion '" + name + "': use rrf or minmax");
        }
    }
}
