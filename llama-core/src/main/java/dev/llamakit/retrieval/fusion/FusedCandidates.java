package dev.llamakit.retrieval.fusion;

import dev.llamakit.retrieval.RetrievedChunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Accumulates fused scores per chunk id and turns them into a ranking; shared by the fusion methods. */
final class FusedCandidates {
    private final Map<String, Candidate> byId = new LinkedHashMap<>();

    /**
     * A copy of the weights after checking them: each finite and {@code >= 0}, not all 0. Empty is allowed (it
     * means 1 for every ranking).
     */
    static double[] checkWeights(double[] weights) {
        Objects.requireNonNull(weights, "weights");
        if (weights.length == 0) {
            return weights.clone();
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
            throw new IllegalArgumentException("fusion weights must not all be 0, got " + Arrays.toString(weights));
        }
        return weights.clone();
    }

    /** Fails on null arguments, {@code topK < 1}, or a number of rankings that does not match the weights. */
    static void checkArguments(List<List<RetrievedChunk>> rankings, int topK, String retriever, double[] weights,
                               String method) {
        Objects.requireNonNull(rankings, "rankings");
        Objects.requireNonNull(retriever, "retriever");
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
        for (List<RetrievedChunk> ranking : rankings) {
            Objects.requireNonNull(ranking, "ranking");
        }
        if (weights.length != 0 && weights.length != rankings.size()) {
            throw new IllegalArgumentException(method + " fusion has " + weights.length + " weights "
                    + Arrays.toString(weights) + " but got " + rankings.size() + " rankings");
        }
    }

    /** Each ranking's hits, without duplicate chunk ids (the first, best-ranked occurrence wins). */
    static List<RetrievedChunk> distinct(List<RetrievedChunk> ranking) {
        Set<String> seen = new HashSet<>();
        List<RetrievedChunk> out = new ArrayList<>(ranking.size());
        for (RetrievedChunk hit : ranking) {
            if (seen.add(Objects.requireNonNull(hit, "hit").chunk().id())) {
                out.add(hit);
            }
        }
        return out;
    }

    /** Adds {@code contribution} to the chunk's fused score; {@code position} is its rank (from 1) in this input. */
    void add(RetrievedChunk hit, int position, double contribution) {
        Candidate c = byId.computeIfAbsent(hit.chunk().id(), id -> new Candidate(hit));
        c.score += contribution;
        c.bestRank = Math.min(c.bestRank, position);
        if (c.highlight == null) {
            c.highlight = hit.highlight();
        }
    }

    List<RetrievedChunk> top(int topK, String retriever) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, got " + topK);
        }
        Objects.requireNonNull(retriever, "retriever");
        List<Candidate> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed()
                .thenComparingInt(c -> c.bestRank)
                .thenComparing(c -> c.hit.chunk().id()));
        List<RetrievedChunk> out = new ArrayList<>(Math.min(topK, all.size()));
        for (Candidate c : all) {
            if (out.size() == topK) {
                break;
            }
            out.add(new RetrievedChunk(c.hit.chunk(), c.score, out.size() + 1, retriever, c.highlight));
        }
        return out;
    }

    private static final class Candidate {
        final RetrievedChunk hit;
        double score;
        int bestRank = Integer.MAX_VALUE;
        String highlight;

        Candidate(RetrievedChunk hit) {
            this.hit = hit;
        }
    }
}
