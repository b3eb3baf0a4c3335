package dev.llamakit.retrieval.lucene;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.eval.RetrievalEvaluator;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.tck.BeirData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the suite (the name does not end in {@code Test}): SciFact with vectors from a real embedder
 * ({@code -Dllamakit.scifact.embedder}, default all-minilm-l6-v2-q), on disk. Prints the indexing time (embedding
 * included), the index size, the heap in use after indexing, and the single-thread latency p50/p99 of 300 test
 * queries × 3 rounds (after a warm-up round) for bm25, vector and hybrid (top 10) on the same folder, and of the
 * query embedding alone. Run with
 *
 * <pre>./mvnw -pl llama-retrieval-lucene verify -Dtest=HybridLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Timing figures are printed, never asserted; the results are in {@code docs/benchmarks.md}.
 */
class HybridLatencyBenchmark {

    @Test
    void scifactWithVectors(@TempDir Path tmp) {
        Optional<Path> data = BeirData.find("scifact");
        assumeTrue(data.isPresent(), "SciFact data not found: " + BeirData.whereLooked("scifact"));
        String name = System.getProperty("llamakit.scifact.embedder", "all-minilm-l6-v2-q");
        assumeTrue(Embedders.available().contains(name), "no embedder " + name);
        BeirDataset scifact = BeirDataset.open(data.get());
        List<String> queries = new ArrayList<>(scifact.queries(scifact.qrels().queryIds()).values());
        Path dir = tmp.resolve("index");
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().build();
        try (Embedder embedder = Embedders.create(name, Map.of())) {
            ProviderOptions options = ProviderOptions.builder().put("index", dir.toString()).put("highlight", "false")
                    .service(Embedder.class, embedder).build();
            long start = System.nanoTime();
            try (Retriever hybrid = Retrievers.create("hybrid", options)) {
                evaluator.index(scifact, hybrid);
            }
            double indexSeconds = (System.nanoTime() - start) / 1e9;
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "%s: indexed 5,183 SciFact documents with vectors in %.1f s (%.0f docs/s); "
                            + "index %.1f MiB on disk; heap in use %.0f MiB%n", name, indexSeconds, 5183 / indexSeconds,
                    size(dir) / 1048576.0, (rt.totalMemory() - rt.freeMemory()) / 1048576.0);

            long[] embedOnly = time(queries, q -> embedder.embedQuery(q));
            report("query embedding only", embedOnly);
            for (String retriever : List.of("bm25-on-hybrid-index", "vector", "hybrid")) {
                String provider = retriever.equals("bm25-on-hybrid-index") ? "hybrid" : retriever;
                ProviderOptions.Builder b = ProviderOptions.builder().put("index", dir.toString())
                        .put("highlight", "false").service(Embedder.class, embedder);
                if (retriever.startsWith("bm25")) {
                    b.put("weights", "1,0"); // hybrid with the vector side switched off: BM25 alone, same index
                }
                try (Retriever r = Retrievers.create(provider, b.build())) {
                    report(retriever + " top 10", time(queries, q -> r.retrieve(RetrievalQuery.of(q, 10))));
                }
            }
        }
    }

    private static long[] time(List<String> queries, java.util.function.Consumer<String> search) {
        queries.forEach(search); // warm-up
        long[] nanos = new long[queries.size() * 3];
        int i = 0;
        for (int round = 0; round < 3; round++) {
            for (String q : queries) {
                long t = System.nanoTime();
                search.accept(q);
                nanos[i++] = System.nanoTime() - t;
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String what, long[] sorted) {
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6);
    }

    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
