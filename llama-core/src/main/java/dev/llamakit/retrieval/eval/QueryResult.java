package dev.llamakit.retrieval.eval;

import java.util.List;
import java.util.Objects;

/**
 * One query's outcome: its ranking as scored (distinct documents, best first, after the query's own document was
 * removed if asked) and its metrics.
 */
public record QueryResult(String queryId, List<ScoredDocument> ranking, double ndcgAt10, double recallAt100,
                          double recallAt1000, double mrrAt10) {
    public QueryResult {
        Objects.requireNonNull(queryId, "queryId");
        ranking = List.copyOf(ranking);
    }
}
