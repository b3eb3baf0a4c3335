package dev.llamakit.benchmarks.retrieval;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.lucene.Bm25Retriever;
import dev.llamakit.retrieval.lucene.KeywordRetriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

/**
 * The retrieval benchmark harness: a plain main class (not JMH, not a test) that measures the {@code bm25} retriever
 * on BEIR SciFact and on a synthetic scale-up of it, and compares it with a bare Lucene {@link IndexSearcher} on the
 * same index and with the {@code keyword} baseline.
 *
 * <p>For each scale (number of documents) it:
 * <ol>
 *   <li>builds an on-disk {@code bm25} index in a temporary directory (Anserini defaults, highlights off, one
 *       chunk per document) by upserting batches of {@code --batch} documents (every upsert is a Lucene commit), and
 *       reports indexing throughput (docs/s, wall time including commits), the index size on disk and the heap used
 *       after indexing ({@code System.gc()} then used heap, minus the used heap before the retriever was built:
 *       approximate);</li>
 *   <li>runs the SciFact test queries (those with judgments, 300) single-threaded, in rounds until at least
 *       {@code --samples} latencies are collected, for top 10 and top 100, through {@code bm25.retrieve(..)} and
 *       through a bare Lucene searcher: {@code DirectoryReader.open} on the same directory,
 *       {@code BM25Similarity(0.9f, 0.4f)}, {@code searcher.search(bm25.toLuceneQuery(text), k)} and loading the
 *       stored {@code _doc} field of each hit. Rounds alternate between the two so that machine noise hits both
 *       alike. Reports p50, p99 and the overhead ratio bm25 / bare at p50;</li>
 *   <li>measures the bytes each contender allocates per query (single thread, one pass, top 10 and top 100);</li>
 *   <li>measures QPS with {@code --threads} threads over the same queries (each thread starts at a different
 *       query), for both;</li>
 *   <li>at the scales listed in {@code --keyword-at}, loads the same documents into the {@code keyword} retriever
 *       and times {@code --keyword-queries} queries (every n-th test query) at top 10, and the same queries through
 *       {@code bm25}, and reports the speed-up at p50.</li>
 * </ol>
 *
 * <p>The synthetic scale-up: copy 0 is the SciFact corpus verbatim; copy {@code c ≥ 1} gives every document the id
 * {@code <id>~c} and the same title, and drops each word of its text with probability 5% (a {@code Random} seeded by
 * {@code c} and the document's position), so no two documents are identical while the vocabulary and the length
 * distribution stay SciFact's. Documents are generated on the fly and never all held in memory (except for the
 * {@code keyword} retriever, which keeps its own lower-cased copy of every document).
 *
 * <pre>
 * java -Xmx6g -cp llama-benchmarks/target/benchmarks.jar dev.llamakit.benchmarks.retrieval.RetrievalBenchmark \
 *     --data /work/shared/data/beir/scifact --scales 5183,100000,500000 --out results.md
 * </pre>
 * Options: {@code --data} (BEIR folder), {@code --scales} (comma-separated document counts; a count up to the
 * corpus size takes the first documents), {@code --samples} (minimum latency samples per contender and k; 1000),
 * {@code --threads} (2), {@code --batch} (1000), {@code --keyword-at} (100000), {@code --keyword-queries} (30),
 * {@code --tmp} (parent of the temporary index directories), {@code --out} (also write the Markdown here).
 */
public final class RetrievalBenchmark {
    private static final int[] TOP_KS = {10, 100};

    private final Path data;
    private final List<Integer> scales;
    private final int minSamples;
    private final int threads;
    private final int batch;
    private final Set<Integer> keywordAt;
    private final int keywordQueries;
    private final Path tmp;
    private final Path out;
    private final List<Document> corpus = new ArrayList<>();
    private final List<String> queries = new ArrayList<>();
    private final StringBuilder report = new StringBuilder();
    private final List<String[]> indexRows = new ArrayList<>();
    private final List<String[]> latencyRows = new ArrayList<>();
    private final List<String[]> qpsRows = new ArrayList<>();
    private final List<String[]> keywordRows = new ArrayList<>();
    private final List<String[]> allocationRows = new ArrayList<>();
    private static volatile long sink;

    private RetrievalBenchmark(Map<String, String> opts) {
        this.data = Paths.get(opts.getOrDefault("data", "/work/shared/data/beir/scifact"));
        this.scales = Arrays.stream(opts.getOrDefault("scales", "5183,100000,500000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        this.minSamples = Integer.parseInt(opts.getOrDefault("samples", "1000"));
        this.threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
        this.batch = Integer.parseInt(opts.getOrDefault("batch", "1000"));
        this.keywordAt = Arrays.stream(opts.getOrDefault("keyword-at", "100000").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt)
                .collect(java.util.stream.Collectors.toSet());
        this.keywordQueries = Integer.parseInt(opts.getOrDefault("keyword-queries", "30"));
        this.tmp = Paths.get(opts.getOrDefault("tmp", System.getProperty("java.io.tmpdir")));
        this.out = opts.containsKey("out") ? Paths.get(opts.get("out")) : null;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --option value ... (see the class javadoc); got "
                        + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        new RetrievalBenchmark(opts).run();
    }

    private void run() throws Exception {
        BeirDataset beir = BeirDataset.open(data, "test");
        beir.readCorpus(corpus::add);
        queries.addAll(beir.queries(beir.qrels().queryIds()).values());
        log("corpus: %d documents, %d test queries", corpus.size(), queries.size());
        for (int scale : scales) {
            runScale(scale);
        }
        String md = markdown();
        System.out.println();
        System.out.println(md);
        if (out != null) {
            Files.writeString(out, md, StandardCharsets.UTF_8);
            log("wrote %s", out);
        }
    }

    // ------------------------------------------------------------------------------------------- one scale

    private void runScale(int scale) throws Exception {
        log("=== %,d documents", scale);
        Path dir = Files.createTempDirectory(tmp, "retrieval-bench-");
        try {
            long heapBefore = usedHeapAfterGc();
            long start = System.nanoTime();
            Bm25Retriever bm25 = Bm25Retriever.builder().indexDirectory(dir).highlights(false).build();
            try {
                List<Document> pending = new ArrayList<>(batch);
                for (int i = 0; i < scale; i++) {
                    pending.add(document(i));
                    if (pending.size() == batch) {
                        bm25.upsert(pending);
                        pending = new ArrayList<>(batch);
                    }
                }
                if (!pending.isEmpty()) {
                    bm25.upsert(pending);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long heapAfter = usedHeapAfterGc();
                long size = directorySize(dir);
                long segments;
                try (Stream<Path> files = Files.list(dir)) {
                    segments = files.filter(p -> p.getFileName().toString().endsWith(".si")).count();
                }
                if (bm25.count() != scale) {
                    throw new IllegalStateException("indexed " + bm25.count() + " documents, expected " + scale);
                }
                log("indexed in %.1f s: %.0f docs/s, %s on disk (%d segments), heap +%s", seconds,
                        scale / seconds, mib(size), segments, mib(heapAfter - heapBefore));
                indexRows.add(new String[] {fmt(scale), String.format(Locale.ROOT, "%.1f", seconds),
                        fmt(Math.round(scale / seconds)), mib(size), Long.toString(segments),
                        mib(heapAfter - heapBefore), mib(heapAfter)});

                try (DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir))) {
                    IndexSearcher bare = new IndexSearcher(reader);
                    bare.setSimilarity(new BM25Similarity(0.9f, 0.4f));
                    checkSameResults(bm25, bare);
                    latencies(scale, bm25, bare);
                    allocation(scale, bm25, bare);
                    qps(scale, bm25, bare);
                }
                if (keywordAt.contains(scale)) {
                    keyword(scale, bm25);
                }
            } finally {
                bm25.close();
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Document {@code i} of the scaled corpus: copy {@code i / n} of document {@code i % n}. */
    private Document document(int i) {
        int n = corpus.size();
        Document d = corpus.get(i % n);
        int copy = i / n;
        if (copy == 0) {
            return d;
        }
        Random random = new Random(copy * 1_000_003L + (i % n));
        String[] words = d.text().split(" ");
        StringBuilder text = new StringBuilder(d.text().length());
        for (String w : words) {
            if (random.nextInt(20) != 0) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(w);
            }
        }
        return Document.builder(d.id() + "~" + copy).title(d.title()).text(text.toString()).build();
    }

    // ------------------------------------------------------------------------------------------- contenders

    private interface Search {
        /** Runs one query and returns something derived from the result (so it cannot be optimised away). */
        long run(String text, int k) throws IOException;
    }

    private static Search ours(Bm25Retriever bm25) {
        return (text, k) -> {
            List<RetrievedChunk> hits = bm25.retrieve(RetrievalQuery.builder(text).topK(k).build());
            long h = hits.size();
            for (RetrievedChunk hit : hits) {
                h += hit.chunk().documentId().length();
            }
            return h;
        };
    }

    private static final Set<String> ID_FIELD = Set.of("_doc");

    private static Search bareLucene(Bm25Retriever bm25, IndexSearcher searcher) {
        return (text, k) -> {
            Query q = bm25.toLuceneQuery(text);
            if (q == null) {
                return 0;
            }
            TopDocs top = searcher.search(q, k);
            StoredFields stored = searcher.storedFields();
            long h = top.scoreDocs.length;
            for (ScoreDoc sd : top.scoreDocs) {
                h += stored.document(sd.doc, ID_FIELD).get("_doc").length();
            }
            return h;
        };
    }

    /** Both contenders must return the same document ids in the same order, or the comparison means nothing. */
    private void checkSameResults(Bm25Retriever bm25, IndexSearcher bare) throws IOException {
        for (String q : queries) {
            List<String> a = bm25.retrieve(RetrievalQuery.builder(q).topK(100).build()).stream()
                    .map(h -> h.chunk().documentId()).toList();
            List<String> b = new ArrayList<>();
            Query lq = bm25.toLuceneQuery(q);
            if (lq != null) {
                StoredFields stored = bare.storedFields();
                for (ScoreDoc sd : bare.search(lq, 100).scoreDocs) {
                    b.add(stored.document(sd.doc, ID_FIELD).get("_doc"));
                }
            }
            if (!a.equals(b)) {
                throw new IllegalStateException("bm25 and bare Lucene disagree on query '" + q + "'");
            }
        }
        log("bm25 and bare Lucene return the same top 100 for all %d queries", queries.size());
    }

    private void latencies(int scale, Bm25Retriever bm25, IndexSearcher bare) throws IOException {
        Search ours = ours(bm25);
        Search lucene = bareLucene(bm25, bare);
        // warm-up: JIT and page cache
        long warmUntil = System.nanoTime() + 5_000_000_000L;
        do {
            for (int k : TOP_KS) {
                for (String q : queries) {
                    sink += ours.run(q, k) + lucene.run(q, k);
                }
            }
        } while (System.nanoTime() < warmUntil);
        int rounds = (minSamples + queries.size() - 1) / queries.size();
        for (int k : TOP_KS) {
            long[] a = new long[rounds * queries.size()];
            long[] b = new long[rounds * queries.size()];
            int n = 0;
            for (int r = 0; r < rounds; r++) {
                // alternate which one goes first in each round
                for (int pass = 0; pass < 2; pass++) {
                    boolean oursNow = (r + pass) % 2 == 0;
                    long[] target = oursNow ? a : b;
                    Search s = oursNow ? ours : lucene;
                    for (int i = 0; i < queries.size(); i++) {
                        long t0 = System.nanoTime();
                        sink += s.run(queries.get(i), k);
                        target[n + i] = System.nanoTime() - t0;
                    }
                }
                n += queries.size();
            }
            Arrays.sort(a);
            Arrays.sort(b);
            double ratio = (double) pct(a, 50) / pct(b, 50);
            log("top %d: bm25 p50 %s p99 %s; bare p50 %s p99 %s; overhead %.2fx", k, ms(pct(a, 50)),
                    ms(pct(a, 99)), ms(pct(b, 50)), ms(pct(b, 99)), ratio);
            latencyRows.add(new String[] {fmt(scale), Integer.toString(k), Integer.toString(a.length),
                    ms(pct(a, 50)), ms(pct(a, 99)), ms(pct(b, 50)), ms(pct(b, 99)),
                    String.format(Locale.ROOT, "%.2f×", ratio),
                    String.format(Locale.ROOT, "%.2f×", (double) pct(a, 99) / pct(b, 99))});
        }
    }

    /** Bytes allocated per query by this thread (one pass over the queries, after the latency rounds). */
    private void allocation(int scale, Bm25Retriever bm25, IndexSearcher bare) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        for (int k : TOP_KS) {
            long[] bytes = new long[2];
            Search[] contenders = {ours(bm25), bareLucene(bm25, bare)};
            for (int c = 0; c < 2; c++) {
                long before = threads.getThreadAllocatedBytes(self);
                for (String q : queries) {
                    sink += contenders[c].run(q, k);
                }
                bytes[c] = (threads.getThreadAllocatedBytes(self) - before) / queries.size();
            }
            log("top %d: bm25 allocates %,d B/query, bare %,d B/query", k, bytes[0], bytes[1]);
            allocationRows.add(new String[] {fmt(scale), Integer.toString(k), fmt(bytes[0]), fmt(bytes[1]),
                    String.format(Locale.ROOT, "%.2f×", (double) bytes[0] / bytes[1])});
        }
    }

    private void qps(int scale, Bm25Retriever bm25, IndexSearcher bare) throws Exception {
        Search ours = ours(bm25);
        Search lucene = bareLucene(bm25, bare);
        int perThread = Math.max(minSamples / threads, queries.size()); // >= minSamples queries per measurement
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int k : TOP_KS) {
                double qOurs = 0;
                double qBare = 0;
                // two alternating repetitions each; keep the better (less disturbed) one
                for (int rep = 0; rep < 2; rep++) {
                    qOurs = Math.max(qOurs, qps(pool, ours, k, perThread));
                    qBare = Math.max(qBare, qps(pool, lucene, k, perThread));
                }
                log("top %d, %d threads: bm25 %.0f q/s, bare %.0f q/s", k, threads, qOurs, qBare);
                qpsRows.add(new String[] {fmt(scale), Integer.toString(k), Integer.toString(threads),
                        fmt(Math.round(qOurs)), fmt(Math.round(qBare)),
                        String.format(Locale.ROOT, "%.2f", qOurs / qBare)});
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private double qps(ExecutorService pool, Search search, int k, int perThread) throws Exception {
        List<Callable<Long>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * queries.size() / threads;
            tasks.add(() -> {
                long h = 0;
                for (int i = 0; i < perThread; i++) {
                    h += search.run(queries.get((offset + i) % queries.size()), k);
                }
                return h;
            });
        }
        long t0 = System.nanoTime();
        for (Future<Long> f : pool.invokeAll(tasks)) {
            sink += f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return (double) perThread * threads / seconds;
    }

    private void keyword(int scale, Bm25Retriever bm25) throws IOException {
        long heapBefore = usedHeapAfterGc();
        long start = System.nanoTime();
        try (KeywordRetriever keyword = KeywordRetriever.create()) {
            List<Document> pending = new ArrayList<>(batch);
            for (int i = 0; i < scale; i++) {
                pending.add(document(i));
                if (pending.size() == batch) {
                    keyword.upsert(pending);
                    pending = new ArrayList<>(batch);
                }
            }
            if (!pending.isEmpty()) {
                keyword.upsert(pending);
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            long heap = usedHeapAfterGc() - heapBefore;
            List<String> sample = new ArrayList<>();
            int step = Math.max(1, queries.size() / keywordQueries);
            for (int i = 0; i < queries.size() && sample.size() < keywordQueries; i += step) {
                sample.add(queries.get(i));
            }
            Search ours = ours(bm25);
            // warm-up: 3 keyword queries, a few bm25 rounds
            for (int i = 0; i < 3; i++) {
                sink += keyword.retrieve(RetrievalQuery.builder(sample.get(i)).topK(10).build()).size();
            }
            long[] kw = new long[sample.size()];
            for (int i = 0; i < sample.size(); i++) {
                long t0 = System.nanoTime();
                sink += keyword.retrieve(RetrievalQuery.builder(sample.get(i)).topK(10).build()).size();
                kw[i] = System.nanoTime() - t0;
            }
            int rounds = 20;
            long[] bm = new long[sample.size() * rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < sample.size(); i++) {
                    long t0 = System.nanoTime();
                    sink += ours.run(sample.get(i), 10);
                    bm[r * sample.size() + i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(kw);
            Arrays.sort(bm);
            double speedUp = (double) pct(kw, 50) / pct(bm, 50);
            log("keyword (%d queries, top 10): loaded in %.1f s, heap +%s, p50 %s p99 %s; bm25 p50 %s; speed-up %.0fx",
                    kw.length, loadSeconds, mib(heap), ms(pct(kw, 50)), ms(pct(kw, 99)), ms(pct(bm, 50)), speedUp);
            keywordRows.add(new String[] {fmt(scale), Integer.toString(kw.length), ms(pct(kw, 50)),
                    ms(pct(kw, 99)), ms(pct(bm, 50)), ms(pct(bm, 99)),
                    String.format(Locale.ROOT, "%,.0f×", speedUp), mib(heap)});
        }
    }

    // ------------------------------------------------------------------------------------------- output

    private String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" processors, Java ")
                .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vm.name"))
                .append("), max heap ").append(mib(Runtime.getRuntime().maxMemory())).append(", JVM args ")
                .append(ManagementFactory.getRuntimeMXBean().getInputArguments()).append("\n\n");
        sb.append("### Indexing (bm25, on disk, highlights off, batches of ").append(batch)
                .append(" documents, one commit per batch)\n\n");
        table(sb, new String[] {"docs", "time (s)", "docs/s", "index on disk", "segments",
                "heap used by the retriever (approx.)", "heap used in total (approx.)"}, indexRows);
        sb.append("\n### Query latency, single thread (").append(queries.size())
                .append(" SciFact test queries, repeated; ms)\n\n");
        table(sb, new String[] {"docs", "top k", "samples", "bm25 p50", "bm25 p99", "bare Lucene p50",
                "bare Lucene p99", "overhead p50", "overhead p99"}, latencyRows);
        sb.append("\n### Allocation per query, single thread (bytes, mean over the ").append(queries.size())
                .append(" queries)\n\n");
        table(sb, new String[] {"docs", "top k", "bm25 B/query", "bare Lucene B/query", "bm25 / bare"},
                allocationRows);
        sb.append("\n### Throughput, ").append(threads).append(" threads (queries/s)\n\n");
        table(sb, new String[] {"docs", "top k", "threads", "bm25 q/s", "bare Lucene q/s", "bm25 / bare"}, qpsRows);
        if (!keywordRows.isEmpty()) {
            sb.append("\n### bm25 vs the keyword baseline (top 10, ms)\n\n");
            table(sb, new String[] {"docs", "queries", "keyword p50", "keyword p99", "bm25 p50", "bm25 p99",
                    "speed-up (p50)", "keyword heap (approx.)"}, keywordRows);
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String[] header, List<String[]> rows) {
        sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.length; i++) {
            sb.append(i == 0 ? "---|" : "---:|");
        }
        sb.append('\n');
        for (String[] row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** Nearest-rank percentile of sorted values. */
    private static long pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String ms(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 10 ? "%.3f" : ms < 100 ? "%.2f" : "%.1f", ms);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[%tT] " + format + "%n",
                Stream.concat(Stream.of(new java.util.Date()), Arrays.stream(args)).toArray());
    }
}
