package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.List;

/** {@code score = Σ 1 / (k + rank)} over the rankings a chunk appears in, ranks from 1. */
final class ReciprocalRankFusion implements RankFusion {
    private final int k;

    ReciprocalRankFusion(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("rrf k must be >= 0, got " + k);
        }
        this.k = k;
    }

    @Override
    public List<RetrievedChunk> fuse(List<List<RetrievedChunk>> rankings, int topK, String retriever) {
        FusedCandidates fused = new FusedCandidates();
        for (List<RetrievedChunk> ranking : rankings) {
            List<RetrievedChunk> hits = FusedCandidates.distinct(ranking);
            for (int i = 0; i < hits.size(); i++) {
                int rank = i + 1;
                fused.add(hits.get(i), rank, 1.0 / (k + rank));
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
        return "rrf(k=" + k + ")";
    }
}
