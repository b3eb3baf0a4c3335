package dev.llamakit.retrieval.eval;

import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a {@link Retriever} on a test collection with trec_eval's semantics: nDCG@10, Recall@100, Recall@1000
 * and MRR@10, averaged over the queries of the qrels that have at least one relevant document (as
 * {@code trec_eval -c}: a query without hits counts 0).
 *
 * <p>Each query retrieves the top {@link Builder#topK(int) topK} chunks (1000 by default, as Anserini's
 * {@code -hits 1000}). Chunks are turned into documents, keeping each document's best-scoring chunk
 * (document-level evaluation); a hit whose document id equals the query id is dropped when
 * {@link Builder#removeQueryIdHits(boolean)} is on (the default, as BEIR's {@code ignore_identical_ids} and
 * Anserini's {@code -removeQuery}); the documents are then ordered by score with ties broken as
 * {@link TieBreak} says (trec_eval's document id descending by default).
 *
 * <pre>{@code
 * BeirDataset scifact = BeirDataset.open(Path.of("../shared/data/beir/scifact"));
 * try (Retriever bm25 = Retrievers.create("bm25", Map.of())) {
 *     RetrievalEvaluator evaluator = RetrievalEvaluator.builder().build();
 *     evaluator.index(scifact, bm25);
 *     EvaluationReport report = evaluator.evaluate(scifact, bm25);
 *     System.out.println(report.summary());
 *     report.writeTrecRun(Path.of("run.bm25.txt"), "bm25");
 * }
 * }</pre>
 */
public final class RetrievalEvaluator {
    /** Anserini's {@code -hits 1000}. */
    public static final int DEFAULT_TOP_K = 1000;
    /** Documents per {@link Retriever#upsert} call when indexing a corpus. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    private static final Logger log = LoggerFactory.getLogger(RetrievalEvaluator.class);

    private final int topK;
    private final boolean removeQueryIdHits;
    private final TieBreak tieBreak;
    private final int batchSize;
    private final int threads;

    private RetrievalEvaluator(Builder b) {
        this.topK = b.topK;
        this.removeQueryIdHits = b.removeQueryIdHits;
        this.tieBreak = b.tieBreak;
        this.batchSize = b.batchSize;
        this.threads = b.threads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An evaluator with the defaults: top 1000, query-id hits removed, trec_eval tie order, one thread. */
    public static RetrievalEvaluator standard() {
        return builder().build();
    }

    /**
     * Streams the collection's corpus into the retriever, in file order, in batches.
     *
     * @return the number of documents read
     */
    public long index(BeirDataset dataset, Retriever retriever) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(retriever, "retriever");
        long start = System.nanoTime();
        long n = dataset.readCorpus(batchSize, retriever::upsert);
        long count = retriever.count();
        log.info("indexed {} documents of {} into {} in {} ms", n, dataset.corpusFile(), retriever.name(),
                (System.nanoTime() - start) / 1_000_000);
        if (count != n) {
            log.warn("the retriever holds {} documents after indexing {} (repeated ids or a non-empty index)",
                    count, n);
        }
        return n;
    }

    /**
     * Runs the queries of the collection's qrels (only those with a relevant document; only each query's text is
     * read) and scores them. The corpus must already be indexed (see {@link #index}).
     */
    public EvaluationReport evaluate(BeirDataset dataset, Retriever retriever) {
        Objects.requireNonNull(dataset, "dataset");
        Qrels qrels = dataset.qrels();
        Map<String, String> queries = dataset.queries(qrels.queryIdsWithRelevant());
        return evaluate(retriever, queries, qrels);
    }

    /**
     * Runs and scores the queries: every query of {@code qrels} with at least one relevant document, taking its text
     * from {@code queries}.
     *
     * @throws IllegalArgumentException when such a query has no text in {@code queries}
     */
    public EvaluationReport evaluate(Retriever retriever, Map<String, String> queries, Qrels qrels) {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(qrels, "qrels");
        Set<String> ids = qrels.queryIdsWithRelevant();
        for (String id : ids) {
            if (!queries.containsKey(id)) {
                throw new IllegalArgumentException("query '" + id + "' of the qrels has no text");
            }
        }
        int skipped = qrels.queryIds().size() - ids.size();
        if (skipped > 0) {
            log.info("{} queries of the qrels have no relevant document and are not scored", skipped);
        }
        long start = System.nanoTime();
        Map<String, List<ScoredDocument>> rankings = search(retriever, queries, ids);
        Duration searchTime = Duration.ofNanos(System.nanoTime() - start);

        List<QueryResult> results = new ArrayList<>(ids.size());
        double ndcg = 0;
        double r100 = 0;
        double r1000 = 0;
        double mrr = 0;
        for (String id : ids) {
            QueryResult r = score(id, rankings.get(id), qrels.judgments(id));
            results.add(r);
            ndcg += r.ndcgAt10();
            r100 += r.recallAt100();
            r1000 += r.recallAt1000();
            mrr += r.mrrAt10();
        }
        int n = results.size();
        return new EvaluationReport(retriever.name(), n, n == 0 ? 0 : ndcg / n, n == 0 ? 0 : r100 / n,
                n == 0 ? 0 : r1000 / n, n == 0 ? 0 : mrr / n, results, topK, tieBreak, removeQueryIdHits,
                searchTime);
    }

    /** Scores one query's hits (chunk or document level, any order) against its judgments. */
    public QueryResult score(String queryId, List<ScoredDocument> hits, Map<String, Integer> judgments) {
        List<ScoredDocument> kept = new ArrayList<>(hits.size());
        for (ScoredDocument h : hits) {
            if (!(removeQueryIdHits && h.documentId().equals(queryId))) {
                kept.add(h);
            }
        }
        List<ScoredDocument> ranking = RetrievalMetrics.rank(kept, tieBreak);
        List<String> ids = ranking.stream().map(ScoredDocument::documentId).toList();
        return new QueryResult(queryId, ranking, RetrievalMetrics.ndcg(ids, judgments, 10),
                RetrievalMetrics.recall(ids, judgments, 100), RetrievalMetrics.recall(ids, judgments, 1000),
                RetrievalMetrics.reciprocalRank(ids, judgments, 10));
    }

    private Map<String, List<ScoredDocument>> search(Retriever retriever, Map<String, String> queries,
                                                     Set<String> ids) {
        Map<String, List<ScoredDocument>> rankings = new LinkedHashMap<>();
        if (threads == 1) {
            for (String id : ids) {
                rankings.put(id, hits(retriever, queries.get(id)));
            }
            return rankings;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Map<String, Future<List<ScoredDocument>>> futures = new LinkedHashMap<>();
            for (String id : ids) {
                String text = queries.get(id);
                futures.put(id, pool.submit(() -> hits(retriever, text)));
            }
            for (Map.Entry<String, Future<List<ScoredDocument>>> e : futures.entrySet()) {
                rankings.put(e.getKey(), e.getValue().get());
            }
            return rankings;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("a query failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    private List<ScoredDocument> hits(Retriever retriever, String text) {
        List<RetrievedChunk> chunks = retriever.retrieve(text, topK);
        List<ScoredDocument> hits = new ArrayList<>(chunks.size());
        for (RetrievedChunk c : chunks) {
            hits.add(new ScoredDocument(c.chunk().documentId(), c.score()));
        }
        return hits;
    }

    /** Builds a {@link RetrievalEvaluator}. */
    public static final class Builder {
        private int topK = DEFAULT_TOP_K;
        private boolean removeQueryIdHits = true;
        private TieBreak tieBreak = TieBreak.TREC_EVAL;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int threads = 1;

        private Builder() {
        }

        /** Hits retrieved per query (default 1000; 1 to 10,000). */
        public Builder topK(int topK) {
            if (topK < 1 || topK > 10_000) {
                throw new IllegalArgumentException("topK must be between 1 and 10000, got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /** Whether a hit whose document id equals the query id is dropped (default true). */
        public Builder removeQueryIdHits(boolean remove) {
            this.removeQueryIdHits = remove;
            return this;
        }

        /** How equal scores are ordered (default {@link TieBreak#TREC_EVAL}). */
        public Builder tieBreak(TieBreak tieBreak) {
            this.tieBreak = Objects.requireNonNull(tieBreak, "tieBreak");
            return this;
        }

        /** Documents per upsert when indexing (default 1000). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Queries run in parallel (default 1); the retriever must be thread-safe, as the SPI requires. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        public RetrievalEvaluator build() {
            return new RetrievalEvaluator(this);
        }
    }
}
