package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llamakit.embed.Embedders;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.eval.EvaluationReport;
import dev.llamakit.retrieval.eval.RetrievalEvaluator;
import dev.llamakit.tck.BeirData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEIR SciFact (5,183 documents, the 300 test queries) through the {@code opensearch} retriever on the in-process
 * node, scored with core's {@link RetrievalEvaluator}: nDCG@10 and Recall@100 (top 100 per query). BM25 reproduces
 * Anserini's flat baseline (nDCG@10 0.6789, R@100 0.9253) exactly, as the embedded {@code bm25} retriever does: the
 * index scores with BM25(k1 0.9, b 0.4) on a {@code contents} field holding title + text with the {@code english}
 * analyzer (the same token chain as Anserini's), in one shard. {@code docs/scaling.md} says what moves the figure
 * (OpenSearch's default k1 1.2 / b 0.75, several shards). Vector and hybrid SciFact run only with
 * {@code -Dllamakit.scifact.dense=true} and the {@value #MINILM} embedder ({@code llama-embeddings-onnx}) on the
 * class path (the test classpath has it), and are skipped with a log line otherwise: embedding the corpus takes
 * about two minutes, which the embedded {@code vector}/{@code hybrid} SciFact test already spends in every build. Skipped, with the reason logged, when {@code ../shared/data/beir/scifact} is not there.
 */
@ExtendWith(OpenSearchNodeExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SciFactOpenSearchTest {
    static final String MINILM = "all-minilm-l6-v2-q";
    private static final Logger log = LoggerFactory.getLogger(SciFactOpenSearchTest.class);

    private final OpenSearchNode node;
    private final String index = TestHttp.freshIndex("scifact");
    /** Vector and hybrid runs embed the corpus (about two minutes on 2 cores): by hand, not in every build. */
    private final boolean withVectors = Embedders.available().contains(MINILM) && Boolean.getBoolean("llamakit.scifact.dense");
    private final RetrievalEvaluator evaluator = RetrievalEvaluator.builder().topK(100).threads(2).build();
    private BeirDataset scifact;

    SciFactOpenSearchTest(OpenSearchNode node) {
        this.node = node;
    }

    @BeforeAll
    void indexSciFact() {
        Optional<Path> found = BeirData.find("scifact");
        if (found.isEmpty()) {
            String reason = "SciFact data not found: " + BeirData.whereLooked("scifact");
            log.warn("skipping SciFact on OpenSearch: {}", reason);
            System.out.println("SKIPPED SciFactOpenSearchTest: " + reason);
        }
        assumeTrue(found.isPresent(), "SciFact data not found");
        scifact = BeirDataset.open(found.get());
        try (Retriever writer = open("bm25")) {
            assertThat(evaluator.index(scifact, writer)).isEqualTo(5183);
            assertThat(writer.count()).isEqualTo(5183);
        }
    }

    @AfterAll
    void deleteIndex() {
        TestHttp.deleteIndices(node.url(), index);
    }

    private Retriever open(String mode) {
        Map<String, String> options = new HashMap<>(Map.of("url", node.url(), "index", index, "replicas", "0",
                "mode", mode, "highlight", "false"));
        if (withVectors) {
            options.put("embedder", MINILM);
        }
        return Retrievers.create("opensearch", options);
    }

    private EvaluationReport evaluate(String mode) {
        try (Retriever r = open(mode)) {
            EvaluationReport report = evaluator.evaluate(scifact, r);
            String line = String.format(Locale.ROOT, "SciFact opensearch %s: %s; unrounded nDCG@10 %.6f, R@100 %.6f",
                    mode, report.summary(), report.ndcgAt10(), report.recallAt100());
            System.out.println(line);
            log.info(line);
            assertThat(report.queries()).isEqualTo(300);
            return report;
        }
    }

    @Test
    void bm25ReproducesAnserinisFlatBaseline() {
        EvaluationReport report = evaluate("bm25");
        assertThat(round4(report.ndcgAt10())).as("nDCG@10 (Anserini flat: 0.6789)").isEqualTo(0.6789);
        assertThat(round4(report.recallAt100())).as("R@100 (Anserini flat: 0.9253)").isEqualTo(0.9253);
    }

    private static double round4(double x) {
        return Math.round(x * 1e4) / 1e4;
    }

    @Test
    void vectorWithTheMiniLmEmbedder() {
        skipWithoutEmbedder("vector");
        assertThat(evaluate("vector").ndcgAt10()).isGreaterThan(0.5);
    }

    @Test
    void hybridWithTheMiniLmEmbedder() {
        skipWithoutEmbedder("hybrid");
        assertThat(evaluate("hybrid").ndcgAt10()).isGreaterThan(0.6);
    }

    private void skipWithoutEmbedder(String mode) {
        if (!withVectors) {
            String reason = "run with -Dllamakit.scifact.dense=true (and embedder '" + MINILM + "' on the class path; "
                    + "embedders: " + Embedders.available() + ") for " + mode + " SciFact";
            log.warn("skipping SciFact {} on OpenSearch: {}", mode, reason);
            System.out.println("SKIPPED SciFact opensearch " + mode + ": " + reason);
        }
        assumeTrue(withVectors, "no " + MINILM + " embedder");
    }
}
