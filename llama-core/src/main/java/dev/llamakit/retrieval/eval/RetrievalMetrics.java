package dev.llamakit.retrieval.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-query ranking metrics with trec_eval's definitions ({@code ndcg_cut}, {@code recall}, {@code recip_rank}).
 * A ranking is a list of distinct document ids, best first; judgments map document ids to grades (above 0 =
 * relevant; the grade is the gain).
 */
public final class RetrievalMetrics {

    /** trec_eval's order: score descending, then document id descending as {@code strcmp} orders UTF-8 bytes. */
    public static final Comparator<ScoredDocument> TREC_EVAL_ORDER = RetrievalMetrics::compareTrecEval;

    private RetrievalMetrics() {
    }

    /**
     * Orders a query's hits for scoring: keeps the best-scoring entry of a repeated document id (so several chunks
     * of one document count once, at their best), then sorts them by {@code tieBreak}. With
     * {@link TieBreak#RETRIEVER_ORDER} documents keep the order of their first appearance, which for a retriever's
     * result list (best first) is score order with the retriever's own order for ties.
     */
    public static List<ScoredDocument> rank(List<ScoredDocument> hits, TieBreak tieBreak) {
        Objects.requireNonNull(hits, "hits");
        Objects.requireNonNull(tieBreak, "tieBreak");
        Map<String, ScoredDocument> best = new LinkedHashMap<>();
        for (ScoredDocument hit : hits) {
            best.merge(hit.documentId(), hit, (a, b) -> b.score() > a.score() ? b : a);
        }
        List<ScoredDocument> ranked = new ArrayList<>(best.values());
        if (tieBreak == TieBreak.TREC_EVAL) {
            ranked.sort(TREC_EVAL_ORDER);
        } else {
            // stable: equal scores keep the retriever's order
            ranked.sort((a, b) -> Double.compare(b.score(), a.score()));
        }
        return ranked;
    }

    /** trec_eval's comparison: higher score first; equal scores by document id, descending. */
    static int compareTrecEval(ScoredDocument a, ScoredDocument b) {
        int byScore = Double.compare(b.score(), a.score());
        return byScore != 0 ? byScore : compareCodePoints(b.documentId(), a.documentId());
    }

    /** Compares as {@code strcmp} compares the UTF-8 encodings: by code point. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * nDCG at {@code k} as trec_eval's {@code ndcg_cut.k}: DCG = Σ over the first k ranks of gain / log2(rank + 1)
     * with the grade as gain (only grades above 0 count), divided by the DCG of the ideal ranking of the judged
     * relevant documents. 0 when the query has no relevant document.
     */
    public static double ndcg(List<String> ranking, Map<String, Integer> judgments, int k) {
        checkK(k);
        double dcg = 0;
        int n = Math.min(k, ranking.size());
        for (int i = 0; i < n; i++) {
            int gain = judgments.getOrDefault(ranking.get(i), 0);
            if (gain > 0) {
                dcg += gain / log2(i + 2);
            }
        }
        List<Integer> ideal = new ArrayList<>();
        for (int g : judgments.values()) {
            if (g > 0) {
                ideal.add(g);
            }
        }
        ideal.sort(Comparator.reverseOrder());
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /**
     * Recall at {@code k} as trec_eval's {@code recall.k}: relevant documents in the first k ranks / relevant
     * documents judged. 0 when the query has no relevant document.
     */
    public static double recall(List<String> ranking, Map<String, Integer> judgments, int k) {
        checkK(k);
        long relevant = judgments.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            return 0;
        }
        int found = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            if (judgments.getOrDefault(ranking.get(i), 0) > 0) {
                found++;
            }
        }
        return (double) found / relevant;
    }

    /**
     * Reciprocal rank at {@code k} (MRR@k once averaged): 1 / the rank of the first relevant document if it is
     * within the first k ranks, else 0. trec_eval's {@code recip_rank} is this with no cutoff.
     */
    public static double reciprocalRank(List<String> ranking, Map<String, Integer> judgments, int k) {
        checkK(k);
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            if (judgments.getOrDefault(ranking.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("cutoff k must be at least 1, got " + k);
        }
    }
}
