package dev.llamakit.retrieval.eval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The figures of one evaluation: each metric's mean over the scored queries (those with at least one relevant
 * document; a query without hits counts 0), the per-query results in qrels order, and how the run was made.
 */
public record EvaluationReport(String retriever, int queries, double ndcgAt10, double recallAt100,
                               double recallAt1000, double mrrAt10, List<QueryResult> perQuery, int topK,
                               TieBreak tieBreak, boolean removedQueryIdHits, Duration searchTime) {
    public EvaluationReport {
        Objects.requireNonNull(retriever, "retriever");
        perQuery = List.copyOf(perQuery);
        Objects.requireNonNull(tieBreak, "tieBreak");
        Objects.requireNonNull(searchTime, "searchTime");
    }

    /** A metric rounded to 4 decimals, as published tables give them. */
    public static double round4(double value) {
        return Math.round(value * 1e4) / 1e4;
    }

    /** The run: query id → ranking as scored, in qrels order. */
    public Map<String, List<ScoredDocument>> run() {
        Map<String, List<ScoredDocument>> run = new LinkedHashMap<>();
        for (QueryResult q : perQuery) {
            run.put(q.queryId(), q.ranking());
        }
        return run;
    }

    /**
     * Writes the run as a TREC run file that trec_eval scores to these figures: exact scores under
     * {@link TieBreak#TREC_EVAL}; with {@link TieBreak#RETRIEVER_ORDER}, tied scores nudged down so that trec_eval
     * keeps the retriever's order (see {@link TrecRun}).
     */
    public void writeTrecRun(Path file, String tag) {
        TrecRun.write(file, run(), tag, tieBreak == TieBreak.RETRIEVER_ORDER);
    }

    /** One line: {@code nDCG@10 0.6789  R@100 0.9253  R@1000 0.9767  MRR@10 0.6400  (300 queries, bm25)}. */
    public String summary() {
        return String.format(Locale.ROOT, "nDCG@10 %.4f  R@100 %.4f  R@1000 %.4f  MRR@10 %.4f  (%d queries, %s,"
                        + " top %d, %d ms)", ndcgAt10, recallAt100, recallAt1000, mrrAt10, queries, retriever, topK,
                searchTime.toMillis());
    }

    @Override
    public String toString() {
        return "EvaluationReport[" + summary() + "]";
    }
}
