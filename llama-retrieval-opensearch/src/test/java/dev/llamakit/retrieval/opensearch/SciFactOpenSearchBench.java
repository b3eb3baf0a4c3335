package dev.llamakit.retrieval.opensearch;

import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.eval.EvaluationReport;
import dev.llamakit.retrieval.eval.Qrels;
import dev.llamakit.retrieval.eval.RetrievalEvaluator;
import dev.llamakit.tck.BeirData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A measuring harness, not a test: SciFact through the {@code opensearch} retriever on an in-process node (the node
 * and this client share the machine). Prints bulk indexing speed (documents per second, upserts of 1,000 documents,
 * refresh wait_for), nDCG@10 / R@100 for three index set-ups, and query latency p50 / p99 (300 test queries,
 * sequential, one warm-up pass, then three measured passes). Run it as {@code docs/scaling.md} says:
 *
 * <pre>
 * ./mvnw -q -o -pl llama-retrieval-opensearch test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -Xmx1g -cp llama-retrieval-opensearch/target/test-classes:llama-retrieval-opensearch/target/classes:$(cat \
 *     llama-retrieval-opensearch/target/test-classpath.txt) dev.llamakit.retrieval.opensearch.SciFactOpenSearchBench
 * </pre>
 */
public final class SciFactOpenSearchBench {
    private SciFactOpenSearchBench() {
    }

    public static void main(String[] args) {
        Path data = BeirData.find("scifact").orElseThrow(() -> new IllegalStateException(
                "SciFact data not found: " + BeirData.whereLooked("scifact")));
        BeirDataset scifact = BeirDataset.open(data);
        Qrels qrels = scifact.qrels();
        Map<String, String> queries = scifact.queries(qrels.queryIdsWithRelevant());
        List<String> texts = new ArrayList<>(queries.values());
        System.out.printf(Locale.ROOT, "java %s, %d processors%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        try (OpenSearchNode node = OpenSearchNode.startSingle("llamakit-bench")) {
            Map<String, Map<String, String>> setups = new java.util.LinkedHashMap<>();
            setups.put("default (1 shard, k1 0.9, b 0.4)", Map.of());
            setups.put("again into a new index", Map.of());
            setups.put("OpenSearch's BM25 defaults (k1 1.2, b 0.75)", Map.of("k1", "1.2", "b", "0.75"));
            setups.put("3 shards", Map.of("shards", "3"));
            setups.put("refresh=false, batch-size 1000", Map.of("refresh", "false", "batch-size", "1000"));
            String latencyIndex = null;
            for (Map.Entry<String, Map<String, String>> setup : setups.entrySet()) {
                String index = TestHttp.freshIndex("bench");
                Map<String, String> options = new HashMap<>(Map.of("url", node.url(), "index", index,
                        "replicas", "0", "highlight", "false"));
                options.putAll(setup.getValue());
                try (Retriever r = Retrievers.create("opensearch", options)) {
                    RetrievalEvaluator evaluator = RetrievalEvaluator.builder().topK(100).threads(2).build();
                    long start = System.nanoTime();
                    long n = evaluator.index(scifact, r);
                    if ("false".equals(options.get("refresh"))) {
                        TestHttp.send(node.url(), "POST", "/" + index + "/_refresh", null); // timed: part of the load
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    EvaluationReport report = evaluator.evaluate(scifact, r);
                    System.out.printf(Locale.ROOT, "%-45s indexed %d docs in %.2f s = %.0f docs/s; nDCG@10 %.4f,"
                                    + " R@100 %.4f%n", setup.getKey(), n, seconds, n / seconds, report.ndcgAt10(),
                            report.recallAt100());
                }
                if (latencyIndex == null) {
                    latencyIndex = index;
                }
            }
            for (boolean highlight : new boolean[] {true, false}) {
                for (int topK : new int[] {10, 100}) {
                    try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", latencyIndex,
                            "replicas", "0", "highlight", Boolean.toString(highlight)))) {
                        latency(r, texts, topK, highlight);
                    }
                }
            }
        }
    }

    private static void latency(Retriever r, List<String> texts, int topK, boolean highlight) {
        for (String q : texts) {
            r.retrieve(RetrievalQuery.of(q, topK)); // warm-up
        }
        long[] micros = new long[texts.size() * 3];
        int i = 0;
        for (int pass = 0; pass < 3; pass++) {
            for (String q : texts) {
                long start = System.nanoTime();
                r.retrieve(RetrievalQuery.of(q, topK));
                micros[i++] = (System.nanoTime() - start) / 1000;
            }
        }
        Arrays.sort(micros);
        System.out.printf(Locale.ROOT, "bm25 query latency, top %d, highlight %s: p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms (%d queries, sequential)%n", topK, highlight, micros[micros.length / 2] / 1000.0,
                micros[(int) Math.ceil(micros.length * 0.99) - 1] / 1000.0, micros[micros.length - 1] / 1000.0,
                micros.length);
    }
}
