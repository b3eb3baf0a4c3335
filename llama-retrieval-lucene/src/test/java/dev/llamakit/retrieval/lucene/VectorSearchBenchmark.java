package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.chunk.SentenceChunker;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.tck.BeirData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not part of the suite (the name does not end in {@code Test}): measures exact against HNSW vector search to choose
 * {@link VectorRetriever#DEFAULT_EXACT_SEARCH_BELOW}. Indexes of 1,000 to 40,000 chunks (SciFact documents cut into
 * sentence chunks of about 64 tokens, embedded with the 512-dimension test embedder), on disk, written in batches
 * of 1,000 as an application would; each index is searched with the 300 SciFact test queries through the graph
 * ({@code exact-below=0}) and exactly, top 10 and top 100, after a warm-up round. Prints the median and 90th
 * percentile latency per query and the graph's recall against the exact top k. Run with
 *
 * <pre>./mvnw -pl llama-retrieval-lucene verify -Dtest=VectorSearchBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Timing figures are printed, never asserted; the results are in {@code docs/retrieval.md}.
 */
class VectorSearchBenchmark {
    private static final int[] SIZES = {1_000, 5_000, 10_000, 20_000, 40_000};

    @Test
    void exactVersusGraph(@TempDir Path tmp) {
        Optional<Path> data = BeirData.find("scifact");
        assumeTrue(data.isPresent(), "SciFact data not found: " + BeirData.whereLooked("scifact"));
        BeirDataset scifact = BeirDataset.open(data.get());
        SentenceChunker chunker = SentenceChunker.builder().targetTokens(64).overlapTokens(8).build();
        List<Document> chunks = new ArrayList<>();
        scifact.readCorpus(doc -> {
            for (Chunk c : chunker.chunk(doc)) {
                chunks.add(Document.builder(c.id()).title(c.title()).text(c.text()).build());
            }
        });
        System.out.printf(Locale.ROOT, "SciFact cut into %,d chunks%n", chunks.size());
        List<String> queries = new ArrayList<>(scifact.queries(scifact.qrels().queryIds()).values());
        System.out.println("| chunks | k | exact p50 µs | exact p90 µs | graph p50 µs | graph p90 µs | graph recall@k |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int size : SIZES) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; docs.size() < size; i++) {
                Document c = chunks.get(i % chunks.size());
                int copy = i / chunks.size(); // beyond the corpus: copies with one word more
                docs.add(copy == 0 ? c : Document.builder(c.id() + "/" + copy).title(c.title())
                        .text(c.text() + " copy" + copy).build());
            }
            Path dir = tmp.resolve("n" + size);
            try (VectorRetriever r = open(dir, 0)) {
                for (int i = 0; i < docs.size(); i += 1000) {
                    r.upsert(docs.subList(i, Math.min(docs.size(), i + 1000)));
                }
                assertThat(r.count()).isEqualTo(size);
            }
            for (int k : new int[] {10, 100}) {
                long[] graph;
                long[] exact;
                List<List<String>> graphHits = new ArrayList<>();
                List<List<String>> exactHits = new ArrayList<>();
                try (VectorRetriever r = open(dir, 0)) {
                    graph = time(r, queries, k, graphHits);
                }
                try (VectorRetriever r = open(dir, Integer.MAX_VALUE)) {
                    exact = time(r, queries, k, exactHits);
                }
                double recall = 0;
                for (int q = 0; q < queries.size(); q++) {
                    Set<String> truth = new HashSet<>(exactHits.get(q));
                    long found = graphHits.get(q).stream().filter(truth::contains).count();
                    recall += truth.isEmpty() ? 1 : (double) found / truth.size();
                }
                System.out.printf(Locale.ROOT, "| %,d | %d | %d | %d | %d | %d | %.4f |%n", size, k,
                        pct(exact, 50), pct(exact, 90), pct(graph, 50), pct(graph, 90), recall / queries.size());
            }
        }
    }

    private static VectorRetriever open(Path dir, int exactBelow) {
        return VectorRetriever.builder().embedder(new HashingEmbedder()).indexDirectory(dir).highlights(false)
                .exactSearchBelow(exactBelow).build();
    }

    /** Nanoseconds per query, after a warm-up round; the hits' ids of the timed round. */
    private static long[] time(VectorRetriever r, List<String> queries, int k, List<List<String>> hits) {
        for (String q : queries) {
            r.retrieve(q, k);
        }
        long[] nanos = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long start = System.nanoTime();
            List<RetrievedChunk> found = r.retrieve(queries.get(i), k);
            nanos[i] = System.nanoTime() - start;
            hits.add(found.stream().map(h -> h.chunk().id()).toList());
        }
        return nanos;
    }

    private static long pct(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1_000;
    }
}
