package dev.llamakit.retrieval.rerank;

import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.RetrievedChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maximal marginal relevance (Carbonell and Goldstein, 1998): picks, one at a time, the hit maximising
 * {@code λ · sim(query, d) − (1 − λ) · max sim(d, chosen)}, with cosine similarities of the embedder's unit vectors.
 * λ = 1 is pure relevance (the embedder's order), λ = 0 pure diversity; 0.5 is the usual default. Ties go to the
 * earlier hit, so the result is deterministic. Each call embeds the query and the hits (title and text).
 */
public final class MaximalMarginalRelevance implements Reranker {
    private final Embedder embedder;
    private final double lambda;
    private final boolean ownsEmbedder;

    /** MMR over {@code embedder}'s vectors with trade-off {@code lambda} in [0, 1]; the caller closes the embedder. */
    public MaximalMarginalRelevance(Embedder embedder, double lambda) {
        this(embedder, lambda, false);
    }

    MaximalMarginalRelevance(Embedder embedder, double lambda, boolean ownsEmbedder) {
        this.ownsEmbedder = ownsEmbedder;
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("mmr lambda must be between 0 and 1, got " + lambda);
        }
        this.lambda = lambda;
    }

    @Override
    public List<RetrievedChunk> rerank(String query, List<RetrievedChunk> hits, int topK) {
        RerankSupport.check(query, hits, topK);
        if (hits.isEmpty()) {
            return List.of();
        }
        float[] q = embedder.embedQuery(query);
        List<String> passages = new ArrayList<>(hits.size());
        hits.forEach(h -> passages.add(RerankSupport.passage(h)));
        List<float[]> vectors = embedder.embed(passages);
        int n = hits.size();
        double[] relevance = new double[n];
        double[] redundancy = new double[n];
        boolean[] taken = new boolean[n];
        for (int i = 0; i < n; i++) {
            relevance[i] = dot(q, vectors.get(i));
            redundancy[i] = Double.NEGATIVE_INFINITY;
        }
        List<RetrievedChunk> chosen = new ArrayList<>();
        while (chosen.size() < Math.min(topK, n)) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (taken[i]) {
                    continue;
                }
                double penalty = chosen.isEmpty() ? 0 : redundancy[i];
                double score = lambda * relevance[i] - (1 - lambda) * penalty;
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            taken[best] = true;
            chosen.add(hits.get(best));
            for (int i = 0; i < n; i++) {
                if (!taken[i]) {
                    redundancy[i] = Math.max(redundancy[i], dot(vectors.get(i), vectors.get(best)));
                }
            }
        }
        return RerankSupport.ranked(chosen);
    }

    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("the embedder returned vectors of different lengths: " + a.length
                    + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public void close() {
        if (ownsEmbedder) {
            embedder.close();
        }
    }

    @Override
    public String toString() {
        return "mmr(lambda=" + lambda + ", embedder=" + embedder.name() + ")";
    }
}
