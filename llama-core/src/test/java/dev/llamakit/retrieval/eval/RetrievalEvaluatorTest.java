package dev.llamakit.retrieval.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalEvaluatorTest {

    /** Answers each query text with fixed (document id, score) chunks, in the given order. */
    static class ScriptedRetriever implements Retriever {
        final Map<String, List<ScoredDocument>> answers;
        final Map<String, Integer> topKs = new ConcurrentHashMap<>();
        final List<Document> upserted = new ArrayList<>();

        ScriptedRetriever(Map<String, List<ScoredDocument>> answers) {
            this.answers = answers;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public List<RetrievedChunk> retrieve(RetrievalQuery query) {
            topKs.put(query.text(), query.topK());
            List<RetrievedChunk> hits = new ArrayList<>();
            int rank = 0;
            for (ScoredDocument d : answers.getOrDefault(query.text(), List.of())) {
                Chunk chunk = new Chunk(Chunk.idOf(d.documentId(), rank), d.documentId(), rank, "", "text", 0, 4,
                        Map.of());
                hits.add(new RetrievedChunk(chunk, d.score(), ++rank, name(), null));
            }
            return hits.subList(0, Math.min(hits.size(), query.topK()));
        }

        @Override
        public synchronized void upsert(Collection<Document> documents) {
            upserted.addAll(documents);
        }

        @Override
        public void delete(Collection<String> documentIds) {
        }

        @Override
        public synchronized long count() {
            return upserted.size();
        }

        @Override
        public void close() {
        }
    }

    private static Map<String, Map<String, Integer>> judgments() {
        Map<String, Map<String, Integer>> j = new LinkedHashMap<>();
        j.put("q1", Map.of("a", 2, "b", 1));
        j.put("q2", Map.of("c", 1));
        j.put("q3", Map.of("d", 1)); // no hits at all
        j.put("q4", Map.of("e", 0)); // no relevant document: not scored
        return j;
    }

    private static Map<String, String> queries() {
        return Map.of("q1", "first", "q2", "second", "q3", "third", "q4", "fourth");
    }

    private static ScriptedRetriever retriever() {
        return new ScriptedRetriever(Map.of(
                "first", List.of(new ScoredDocument("b", 5), new ScoredDocument("x", 4), new ScoredDocument("a", 3)),
                "second", List.of(new ScoredDocument("q2", 9), new ScoredDocument("c", 2)),
                "fourth", List.of(new ScoredDocument("e", 1))));
    }

    @Test
    void averagesOverQueriesWithRelevantDocumentsCountingMissingHitsAsZero() {
        EvaluationReport report = RetrievalEvaluator.standard().evaluate(retriever(), queries(),
                Qrels.of(judgments()));

        assertThat(report.queries()).isEqualTo(3);
        assertThat(report.perQuery()).extracting(QueryResult::queryId).containsExactly("q1", "q2", "q3");
        // q1: b (1) at 1, a (2) at 3 -> DCG = 1 + 2/2 = 2; ideal = 2 + 1/log2(3)
        double q1 = 2 / (2 + 1 / (Math.log(3) / Math.log(2)));
        // q2: the hit "q2" equals the query id and is dropped, so c is first
        assertThat(report.perQuery().get(0).ndcgAt10()).isCloseTo(q1, within(1e-12));
        assertThat(report.perQuery().get(1).ndcgAt10()).isEqualTo(1.0);
        assertThat(report.perQuery().get(2).ndcgAt10()).isZero();
        assertThat(report.ndcgAt10()).isCloseTo((q1 + 1 + 0) / 3, within(1e-12));
        assertThat(report.recallAt100()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(report.mrrAt10()).isCloseTo((1 + 1 + 0) / 3.0, within(1e-12));
        assertThat(report.perQuery().get(1).ranking()).extracting(ScoredDocument::documentId).containsExactly("c");
    }

    @Test
    void queryIdHitsCanBeKept() {
        EvaluationReport report = RetrievalEvaluator.builder().removeQueryIdHits(false).build()
                .evaluate(retriever(), queries(), Qrels.of(judgments()));
        assertThat(report.perQuery().get(1).mrrAt10()).isEqualTo(0.5);
    }

    @Test
    void asksForTopKHits() {
        ScriptedRetriever r = retriever();
        RetrievalEvaluator.builder().topK(2).build().evaluate(r, queries(), Qrels.of(judgments()));
        assertThat(r.topKs).containsEntry("first", 2);
        RetrievalEvaluator.standard().evaluate(r, queries(), Qrels.of(judgments()));
        assertThat(r.topKs).containsEntry("first", 1000);
    }

    @Test
    void chunksOfOneDocumentCountOnceAtTheirBest() {
        ScriptedRetriever r = new ScriptedRetriever(Map.of("first", List.of(new ScoredDocument("x", 9),
                new ScoredDocument("x", 8), new ScoredDocument("x", 7), new ScoredDocument("a", 6))));
        EvaluationReport report = RetrievalEvaluator.standard().evaluate(r, Map.of("q1", "first"),
                Qrels.of(Map.of("q1", Map.of("a", 1))));
        assertThat(report.mrrAt10()).isEqualTo(0.5);
    }

    @Test
    void parallelQueriesGiveTheSameFigures() {
        EvaluationReport one = RetrievalEvaluator.standard().evaluate(retriever(), queries(), Qrels.of(judgments()));
        EvaluationReport four = RetrievalEvaluator.builder().threads(4).build()
                .evaluate(retriever(), queries(), Qrels.of(judgments()));
        assertThat(four.perQuery()).isEqualTo(one.perQuery());
    }

    @Test
    void aQrelsQueryWithoutTextIsAnError() {
        assertThatThrownBy(() -> RetrievalEvaluator.standard().evaluate(retriever(), Map.of("q1", "first"),
                Qrels.of(judgments())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q2");
    }

    @Test
    void runFileKeepsTrecEvalOrderWithExactScores() throws IOException {
        ScriptedRetriever r = new ScriptedRetriever(Map.of("first", List.of(new ScoredDocument("a", 1.5),
                new ScoredDocument("b", 1.5), new ScoredDocument("c", 0.1 + 0.2))));
        EvaluationReport report = RetrievalEvaluator.standard().evaluate(r, Map.of("q1", "first"),
                Qrels.of(Map.of("q1", Map.of("a", 1))));
        StringWriter out = new StringWriter();
        TrecRun.write(out, report.run(), "tag", false);
        assertThat(out.toString()).isEqualTo("q1 Q0 b 1 1.5 tag\nq1 Q0 a 2 1.5 tag\nq1 Q0 c 3 "
                + (0.1 + 0.2) + " tag\n");
        assertThat(report.mrrAt10()).isEqualTo(0.5);
    }

    @Test
    void retrieverOrderRunNudgesTiesSoTrecEvalReproducesTheFigures(@TempDir Path dir) throws IOException {
        List<ScoredDocument> hits = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            hits.add(new ScoredDocument("d" + i, i < 40 ? 7.25f : 3.5f)); // two large tie groups
        }
        ScriptedRetriever r = new ScriptedRetriever(Map.of("first", hits));
        Qrels qrels = Qrels.of(Map.of("q1", Map.of("d0", 1, "d41", 2)));
        EvaluationReport ours = RetrievalEvaluator.builder().tieBreak(TieBreak.RETRIEVER_ORDER).build()
                .evaluate(r, Map.of("q1", "first"), qrels);
        Path file = dir.resolve("run.txt");
        ours.writeTrecRun(file, "bm25");

        // Read the run back as trec_eval does: only the scores matter, re-sorted with its tie rule.
        List<ScoredDocument> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] cols = line.split(" ");
            assertThat(cols).hasSize(6);
            assertThat(cols[1]).isEqualTo("Q0");
            assertThat(cols[5]).isEqualTo("bm25");
            parsed.add(new ScoredDocument(cols[2], Double.parseDouble(cols[4])));
        }
        List<ScoredDocument> resorted = RetrievalMetrics.rank(parsed, TieBreak.TREC_EVAL);
        assertThat(resorted).extracting(ScoredDocument::documentId)
                .containsExactlyElementsOf(hits.stream().map(ScoredDocument::documentId).toList());
        QueryResult rescored = RetrievalEvaluator.standard().score("q1", parsed, qrels.judgments("q1"));
        assertThat(rescored.ndcgAt10()).isEqualTo(ours.ndcgAt10());
        assertThat(rescored.mrrAt10()).isEqualTo(1.0);
        // the nudges are invisible at any printed precision
        assertThat(parsed.get(39).score()).isCloseTo(7.25, within(1e-12));

        // Under trec_eval's own tie rule the same hits score differently: d9 > d8 > ... > d0 among the 40 ties.
        EvaluationReport trec = RetrievalEvaluator.standard().evaluate(r, Map.of("q1", "first"), qrels);
        assertThat(trec.mrrAt10()).isLessThan(1.0);
    }

    @Test
    void indexStreamsTheCorpusInBatches(@TempDir Path dir) throws IOException {
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            corpus.append("{\"_id\": \"d").append(i).append("\", \"title\": \"T\", \"text\": \"x\"}\n");
        }
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"first\"}\n");
        Files.writeString(dir.resolve("qrels-test.tsv"), "query-id\tcorpus-id\tscore\nq1\td3\t1\n");
        List<Integer> batches = new ArrayList<>();
        ScriptedRetriever r = new ScriptedRetriever(Map.of("first", List.of(new ScoredDocument("d3", 1)))) {
            @Override
            public synchronized void upsert(Collection<Document> documents) {
                batches.add(documents.size());
                super.upsert(documents);
            }
        };
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().batchSize(10).build();
        BeirDataset data = BeirDataset.open(dir);
        assertThat(evaluator.index(data, r)).isEqualTo(25);
        assertThat(batches).containsExactly(10, 10, 5);
        assertThat(r.upserted.get(24).id()).isEqualTo("d24");
        assertThat(evaluator.evaluate(data, r).ndcgAt10()).isEqualTo(1.0);
    }
}
