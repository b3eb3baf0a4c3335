package dev.llamakit.benchmarks.retrieval;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.eval.RetrievalEvaluator;
import dev.llamakit.retrieval.fusion.RankFusion;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Where the time of one {@code hybrid} query goes: a timed harness (a main class, not JMH, not a test) on BEIR
 * SciFact (5,183 documents, one chunk each, below the 20,000 chunks under which the vector side is an exact search)
 * with a real embedder (default {@code all-minilm-l6-v2-q}). It times, single-threaded, each of the 300 test queries
 * through every stage on its own, interleaved query by query so that machine noise hits every stage alike:
 * <ul>
 *   <li>{@code embed}: the query embedding alone ({@code embedder.embedQuery});</li>
 *   <li>{@code bm25 top 100}: the BM25 side (a {@code bm25} retriever over the same documents, highlights off);</li>
 *   <li>{@code vector top 100 / top 10, no embedding}: the dense side with the query vector computed beforehand
 *       (an embedder that answers {@code embedQuery} from a table: what is left is the exact kNN and reading the
 *       hits' chunks);</li>
 *   <li>{@code fusion}: {@code RankFusion.fuse} of the two top-100 rankings into a top 10 (lists made beforehand);</li>
 *   <li>{@code hybrid top 10, no embedding}: the whole hybrid query but the embedding, highlights off and on;</li>
 *   <li>{@code hybrid top 10}: the whole query, as a user runs it (highlights off, and on: the default).</li>
 * </ul>
 * It prints p50 and p99 in ms as a Markdown table. The hybrid index (embedding the corpus takes minutes) is built
 * once in {@code --index} and reused by later runs.
 *
 * <pre>
 * java -cp llama-benchmarks/target/benchmarks.jar dev.llamakit.benchmarks.retrieval.HybridQueryBreakdown \
 *     --data /work/shared/data/beir/scifact --index /tmp/scifact-hybrid --rounds 3
 * </pre>
 * Options: {@code --data} (BEIR folder), {@code --index} (the hybrid index folder, created when missing),
 * {@code --embedder} (a registered embedder name), {@code --rounds} (measured passes over the queries, after one
 * warm-up pass; 3).
 */
public final class HybridQueryBreakdown {
    private static volatile long sink;

    private HybridQueryBreakdown() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path data = Paths.get(opts.getOrDefault("data", "/work/shared/data/beir/scifact"));
        Path index = Paths.get(opts.getOrDefault("index", System.getProperty("java.io.tmpdir") + "/scifact-hybrid"));
        String embedderName = opts.getOrDefault("embedder", "all-minilm-l6-v2-q");
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));

        BeirDataset scifact = BeirDataset.open(data);
        List<String> queries = new ArrayList<>(scifact.queries(scifact.qrels().queryIds()).values());
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().build();
        try (Embedder embedder = Embedders.create(embedderName, Map.of())) {
            if (!Files.isDirectory(index)) {
                long t0 = System.nanoTime();
                try (Retriever hybrid = Retrievers.create("hybrid", options(index, embedder, false))) {
                    evaluator.index(scifact, hybrid);
                }
                System.err.printf(Locale.ROOT, "indexed SciFact with vectors in %.0f s%n",
                        (System.nanoTime() - t0) / 1e9);
            }
            Map<String, float[]> vectors = new HashMap<>();
            for (String q : queries) {
                vectors.put(q, embedder.embedQuery(q));
            }
            Embedder precomputed = new Precomputed(embedder, vectors);
            try (Retriever bm25 = Retrievers.create("bm25", Map.of("highlight", "false"));
                 Retriever hybrid = Retrievers.create("hybrid", options(index, embedder, false));
                 Retriever hybridHighlights = Retrievers.create("hybrid", options(copy(index, 1), embedder, true));
                 Retriever hybridNoEmbed = Retrievers.create("hybrid", options(copy(index, 2), precomputed, false));
                 Retriever hybridNoEmbedHighlights = Retrievers.create("hybrid",
                         options(copy(index, 3), precomputed, true));
                 Retriever vectorNoEmbed = Retrievers.create("vector", options(copy(index, 4), precomputed, false))) {
                evaluator.index(scifact, bm25);
                Map<String, List<List<RetrievedChunk>>> sides = new HashMap<>();
                for (String q : queries) {
                    sides.put(q, List.of(bm25.retrieve(q, 100), vectorNoEmbed.retrieve(q, 100)));
                }
                RankFusion fusion = RankFusion.defaultFusion();
                Map<String, ToLongFunction<String>> stages = new LinkedHashMap<>();
                stages.put("query embedding (`embedQuery`)", q -> embedder.embedQuery(q).length);
                stages.put("bm25 top 100 (highlights off)", q -> bm25.retrieve(q, 100).size());
                stages.put("vector top 100, embedding excluded (exact kNN + 100 chunks read)",
                        q -> vectorNoEmbed.retrieve(q, 100).size());
                stages.put("vector top 10, embedding excluded (exact kNN + 10 chunks read)",
                        q -> vectorNoEmbed.retrieve(q, 10).size());
                stages.put("min-max fusion of the two top-100 lists into a top 10",
                        q -> fusion.fuse(sides.get(q), 10, "hybrid").size());
                stages.put("hybrid top 10, embedding excluded, highlights off",
                        q -> hybridNoEmbed.retrieve(q, 10).size());
                stages.put("hybrid top 10, embedding excluded, highlights on",
                        q -> hybridNoEmbedHighlights.retrieve(q, 10).size());
                stages.put("**hybrid top 10, highlights off**", q -> hybrid.retrieve(q, 10).size());
                stages.put("**hybrid top 10, highlights on (the default)**",
                        q -> hybridHighlights.retrieve(q, 10).size());
                report(queries, stages, rounds);
            }
        }
    }

    /** A fresh copy of the index folder (a Lucene index is open in one retriever at a time). */
    private static Path copy(Path index, int n) throws java.io.IOException {
        Path copy = index.resolveSibling(index.getFileName() + "-copy" + n);
        if (Files.isDirectory(copy)) {
            try (java.util.stream.Stream<Path> files = Files.walk(copy)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(copy);
        try (java.util.stream.Stream<Path> files = Files.list(index)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("write.lock")) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        return copy;
    }

    private static ProviderOptions options(Path index, Embedder embedder, boolean highlights) {
        return ProviderOptions.builder().put("index", index.toString()).put("highlight", Boolean.toString(highlights))
                .service(Embedder.class, embedder).build();
    }

    private static void report(List<String> queries, Map<String, ToLongFunction<String>> stages, int rounds) {
        List<ToLongFunction<String>> runs = new ArrayList<>(stages.values());
        long[][] nanos = new long[runs.size()][queries.size() * rounds];
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            for (int i = 0; i < queries.size(); i++) {
                String q = queries.get(i);
                for (int s = 0; s < runs.size(); s++) {
                    long t0 = System.nanoTime();
                    sink += runs.get(s).applyAsLong(q);
                    long t = System.nanoTime() - t0;
                    if (round >= 0) {
                        nanos[s][round * queries.size() + i] = t;
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d queries x %d rounds, %d processors, Java %s, load average %s%n%n",
                queries.size(), rounds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadAverage()));
        sb.append("| stage | p50 ms | p99 ms |\n|---|---:|---:|\n");
        int s = 0;
        for (String name : stages.keySet()) {
            long[] sorted = nanos[s++];
            Arrays.sort(sorted);
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f |%n", name, sorted[sorted.length / 2] / 1e6,
                    sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6));
        }
        System.out.println(sb);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** The real embedder, except that the benchmark's queries are answered from a table (no model run). */
    private record Precomputed(Embedder real, Map<String, float[]> queries) implements Embedder {
        @Override
        public String name() {
            return real.name();
        }

        @Override
        public int dimensions() {
            return real.dimensions();
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            return real.embed(texts);
        }

        @Override
        public float[] embedQuery(String query) {
            float[] v = queries.get(query);
            return v != null ? v.clone() : real.embedQuery(query);
        }

        @Override
        public void close() {
            // the real embedder is closed by its owner
        }
    }
}
