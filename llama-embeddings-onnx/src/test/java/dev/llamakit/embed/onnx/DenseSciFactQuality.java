package dev.llamakit.embed.onnx;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.eval.BeirDataset;
import dev.llamakit.retrieval.eval.Qrels;
import dev.llamakit.retrieval.eval.QueryResult;
import dev.llamakit.retrieval.eval.RetrievalEvaluator;
import dev.llamakit.retrieval.eval.ScoredDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Dense retrieval quality of one model on BEIR SciFact (test split): a harness, not a test (never run by Surefire).
 * It embeds the corpus ({@code IndexText} of a one-chunk document, i.e. {@code title + "\n\n" + text}, as the
 * {@code vector} retriever does) in {@code embed} calls of {@code -Dbatch} texts (default 32), embeds each test
 * query with {@code embedQuery}, ranks every document by cosine (exact, top 100) and scores the rankings with
 * {@link RetrievalEvaluator} as {@code SciFactDenseTest} does (top 100, query-id hits removed). It prints nDCG@10,
 * R@100 and the corpus embedding rate. Models: those of {@link EmbeddingThroughput#builder(String)}.
 *
 * <pre>
 * java -cp ... dev.llamakit.embed.onnx.DenseSciFactQuality scifact-folder model...
 * </pre>
 */
public final class DenseSciFactQuality {
    private DenseSciFactQuality() {
    }

    public static void main(String[] args) {
        Path folder = Path.of(args[0]);
        int batch = Integer.getInteger("batch", 32);
        BeirDataset scifact = BeirDataset.open(folder);
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        scifact.readCorpus((Document d) -> {
            ids.add(d.id());
            texts.add(dev.llamakit.retrieval.IndexText.of(dev.llamakit.retrieval.Chunk.whole(d)));
        });
        Qrels qrels = scifact.qrels();
        Map<String, String> queries = scifact.queries(qrels.queryIdsWithRelevant());
        RetrievalEvaluator evaluator = RetrievalEvaluator.builder().topK(100).build();
        System.out.println("| model | batch | corpus texts/s | nDCG@10 | R@100 |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int m = 1; m < args.length; m++) {
            String model = args[m];
            try (OnnxEmbedder e = EmbeddingThroughput.builder(model).batchSize(batch).build()) {
                long start = System.nanoTime();
                List<float[]> vectors = new ArrayList<>(texts.size());
                for (int from = 0; from < texts.size(); from += batch) {
                    vectors.addAll(e.embed(texts.subList(from, Math.min(texts.size(), from + batch))));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double ndcg = 0;
                double r100 = 0;
                for (Map.Entry<String, String> q : queries.entrySet()) {
                    float[] v = e.embedQuery(q.getValue());
                    QueryResult r = evaluator.score(q.getKey(), top(ids, vectors, v, 100),
                            qrels.judgments(q.getKey()));
                    ndcg += r.ndcgAt10();
                    r100 += r.recallAt100();
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.4f | %.4f |%n", model, batch,
                        texts.size() / seconds, ndcg / queries.size(), r100 / queries.size());
            }
        }
    }

    private static List<ScoredDocument> top(List<String> ids, List<float[]> vectors, float[] query, int k) {
        PriorityQueue<ScoredDocument> queue = new PriorityQueue<>(k + 1,
                (x, y) -> Double.compare(x.score(), y.score()));
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            double dot = 0;
            for (int j = 0; j < v.length; j++) {
                dot += v[j] * query[j];
            }
            queue.add(new ScoredDocument(ids.get(i), dot));
            if (queue.size() > k) {
                queue.poll();
            }
        }
        return new ArrayList<>(queue);
    }
}
