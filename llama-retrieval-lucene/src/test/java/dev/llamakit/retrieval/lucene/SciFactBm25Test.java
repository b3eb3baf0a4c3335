package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.eval.EvaluationReport;
import dev.llamakit.retrieval.eval.QueryResult;
import dev.llamakit.retrieval.eval.RetrievalEvaluator;
import dev.llamakit.retrieval.eval.TieBreak;
import dev.llamakit.tck.BeirData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anserini's BM25 baselines on BEIR SciFact (test split, 300 queries), reproduced exactly with the {@code bm25}
 * retriever's defaults: flat nDCG@10 0.6789, R@100 0.9253, R@1000 0.9767 and 838,128 terms in the {@code contents}
 * field ({@code Terms.getSumTotalTermFreq()}); multifield nDCG@10 0.6647, R@100 0.9076, R@1000 0.9800 and 784,591
 * terms. Skipped, with the reason logged, when {@code ../shared/data/beir/scifact} is not there. Highlights are off:
 * they do not change scores and would only cost time.
 */
class SciFactBm25Test {
    private static final Logger log = LoggerFactory.getLogger(SciFactBm25Test.class);
    private static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static BeirDataset scifact;

    @BeforeAll
    static void findData() {
        Optional<Path> found = BeirData.find("scifact");
        if (found.isEmpty()) {
            String reason = "SciFact data not found: " + BeirData.whereLooked("scifact");
            log.warn("skipping the SciFact reproduction: {}", reason);
            System.out.println("SKIPPED SciFactBm25Test: " + reason);
        }
        assumeTrue(found.isPresent(), "SciFact data not found");
        scifact = BeirDataset.open(found.get());
    }

    private static double round4(double x) {
        return Math.round(x * 1e4) / 1e4;
    }

    private static void print(String what, EvaluationReport report, Bm25Retriever.IndexStats stats) {
        String line = String.format(Locale.ROOT, "SciFact bm25 %s: %s; index: %,d documents, %,d terms in contents"
                        + " (sum of term frequencies), %,d distinct terms, %,d title terms; unrounded nDCG@10 %.6f, R@100 %.6f",
                what, report.summary(), stats.documents(), stats.totalTerms(), stats.uniqueTerms(),
                stats.titleTotalTerms(), report.ndcgAt10(), report.recallAt100());
        System.out.println(line);
        log.info(line);
    }

    @Test
    void flatReproducesAnseriniExactly() throws IOException {
        // Lucene's own order for equal scores first; then the same hits re-scored with trec_eval's tie rule.
        RetrievalEvaluator luceneOrder = RetrievalEvaluator.builder().topK(1000).removeQueryIdHits(true)
                .tieBreak(TieBreak.RETRIEVER_ORDER).threads(THREADS).build();
        RetrievalEvaluator trecEval = RetrievalEvaluator.builder().topK(1000).removeQueryIdHits(true).build();
        try (Retriever retriever = Retrievers.create("bm25", Map.of("highlight", "false"))) {
            assertThat(luceneOrder.index(scifact, retriever)).isEqualTo(5183);
            Bm25Retriever.IndexStats stats = ((Bm25Retriever) retriever).stats();
            EvaluationReport lucene = luceneOrder.evaluate(scifact, retriever);
            var qrels = scifact.qrels();
            double ndcg = 0;
            double r100 = 0;
            double r1000 = 0;
            for (QueryResult q : lucene.perQuery()) {
                QueryResult t = trecEval.score(q.queryId(), q.ranking(), qrels.judgments(q.queryId()));
                ndcg += t.ndcgAt10();
                r100 += t.recallAt100();
                r1000 += t.recallAt1000();
            }
            int n = lucene.queries();
            print("flat (Lucene tie order)", lucene, stats);
            System.out.printf(Locale.ROOT, "SciFact bm25 flat (trec_eval tie order): nDCG@10 %.4f  R@100 %.4f"
                    + "  R@1000 %.4f%n", ndcg / n, r100 / n, r1000 / n);

            assertThat(n).isEqualTo(300);
            assertThat(stats.documents()).isEqualTo(5183);
            assertThat(stats.totalTerms()).isEqualTo(838_128);
            assertThat(round4(ndcg / n)).isEqualTo(0.6789);
            assertThat(round4(r100 / n)).isEqualTo(0.9253);
            assertThat(round4(r1000 / n)).isEqualTo(0.9767);
            // On SciFact the tie order changes nothing at 4 decimals.
            assertThat(round4(lucene.ndcgAt10())).isEqualTo(0.6789);
            assertThat(round4(lucene.recallAt100())).isEqualTo(0.9253);

            Path run = Path.of("target", "scifact-bm25-flat.run");
            Files.createDirectories(run.getParent());
            lucene.writeTrecRun(run, "llamakit-bm25-flat");
            assertThat(Files.readAllLines(run)).hasSizeGreaterThan(290_000);
            System.out.println("SciFact bm25 flat run (trec_eval keeps Lucene's order): " + run.toAbsolutePath());
        }
    }

    @Test
    void multifieldReproducesAnseriniExactly() {
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().threads(THREADS).build();
        try (Retriever retriever = Retrievers.create("bm25", Map.of("fields", "multifield", "highlight", "false"))) {
            evaluator.index(scifact, retriever);
            Bm25Retriever.IndexStats stats = ((Bm25Retriever) retriever).stats();
            EvaluationReport report = evaluator.evaluate(scifact, retriever);
            print("multifield", report, stats);

            assertThat(stats.totalTerms()).isEqualTo(784_591);
            assertThat(round4(report.ndcgAt10())).isEqualTo(0.6647);
            assertThat(round4(report.recallAt100())).isEqualTo(0.9076);
            assertThat(round4(report.recallAt1000())).isEqualTo(0.9800);
        }
    }

    @Test
    void anOnDiskIndexGivesTheSameFiguresAfterReopening(@TempDir Path tmp) {
        Path dir = tmp.resolve("scifact-index");
        Map<String, String> options = Map.of("index", dir.toString(), "highlight", "false");
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().threads(THREADS).build();
        try (Retriever retriever = Retrievers.create("bm25", options)) {
            evaluator.index(scifact, retriever);
        }
        try (Retriever reopened = Retrievers.create("bm25", options)) {
            assertThat(reopened.count()).isEqualTo(5183);
            assertThat(((Bm25Retriever) reopened).stats().totalTerms()).isEqualTo(838_128);
            EvaluationReport report = evaluator.evaluate(scifact, reopened);
            System.out.println("SciFact bm25 flat, on disk, reopened: " + report.summary());
            assertThat(round4(report.ndcgAt10())).isEqualTo(0.6789);
            assertThat(round4(report.recallAt100())).isEqualTo(0.9253);
        }
    }
}
