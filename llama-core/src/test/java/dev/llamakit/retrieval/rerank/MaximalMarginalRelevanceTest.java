package dev.llamakit.retrieval.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.spi.ProviderOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MaximalMarginalRelevanceTest {

    /** Vectors chosen by hand: a query, two near-duplicates close to it, and a different, less relevant passage. */
    static final class TableEmbedder implements Embedder {
        final Map<String, float[]> table;
        final AtomicInteger closed = new AtomicInteger();

        TableEmbedder(Map<String, float[]> table) {
            this.table = table;
        }

        @Override
        public String name() {
            return "table";
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            List<float[]> out = new ArrayList<>();
            for (String t : texts) {
                out.add(unit(table.get(t)));
            }
            return out;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }

        static float[] unit(float[] v) {
            double n = Math.sqrt(v[0] * v[0] + v[1] * v[1]);
            return new float[] {(float) (v[0] / n), (float) (v[1] / n)};
        }
    }

    static final Map<String, float[]> VECTORS = Map.of(
            "q", new float[] {1, 0},
            "a", new float[] {1, 0.1f},
            "a2", new float[] {1, 0.12f},
            "b", new float[] {1, 1.2f});

    static RetrievedChunk hit(String id, int rank) {
        return new RetrievedChunk(new Chunk(id + "#0", id, 0, "", id, 0, id.length(), Map.of()), 10 - rank, rank,
                "bm25", null);
    }

    static List<String> ids(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    final List<RetrievedChunk> hits = List.of(hit("a", 1), hit("a2", 2), hit("b", 3));

    @Test
    void pureRelevanceKeepsTheEmbeddingOrder() {
        assertThat(ids(new MaximalMarginalRelevance(new TableEmbedder(VECTORS), 1.0).rerank("q", hits, 3)))
                .containsExactly("a", "a2", "b");
    }

    @Test
    void aBalancedLambdaPrefersTheDifferentPassageOverTheNearDuplicate() {
        // after "a": a2 scores 0.5·0.993 − 0.5·0.9998 ≈ −0.003, b scores 0.5·0.640 − 0.5·0.702 ≈ −0.031 … with λ = 0.3
        // diversity dominates: a2 → 0.3·0.993 − 0.7·0.9998 = −0.402, b → 0.3·0.640 − 0.7·0.702 = −0.299
        List<RetrievedChunk> out = new MaximalMarginalRelevance(new TableEmbedder(VECTORS), 0.3).rerank("q", hits, 3);
        assertThat(ids(out)).containsExactly("a", "b", "a2");
        assertThat(out).extracting(RetrievedChunk::rank).containsExactly(1, 2, 3);
        assertThat(out.get(1).score()).as("scores are the retriever's").isEqualTo(hits.get(2).score());
    }

    @Test
    void topKCutsAndEmptyInputIsEmpty() {
        MaximalMarginalRelevance mmr = new MaximalMarginalRelevance(new TableEmbedder(VECTORS), 0.3);
        assertThat(ids(mmr.rerank("q", hits, 2))).containsExactly("a", "b");
        assertThat(mmr.rerank("q", List.of(), 5)).isEmpty();
        assertThatThrownBy(() -> mmr.rerank("q", hits, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badLambdaAndMissingEmbedderAreClearErrors() {
        assertThatThrownBy(() -> new MaximalMarginalRelevance(new TableEmbedder(VECTORS), 1.5))
                .hasMessageContaining("lambda");
        assertThatThrownBy(() -> Rerankers.create("mmr", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an embedder");
        assertThatThrownBy(() -> Rerankers.create("mmr", Map.of("colour", "blue")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> Rerankers.create("cross-encoder", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mmr").hasMessageContaining("llm");
    }

    @Test
    void aGivenEmbedderIsUsedAndNotClosed() {
        TableEmbedder embedder = new TableEmbedder(VECTORS);
        try (Reranker mmr = Rerankers.create("mmr", ProviderOptions.builder().put("lambda", "0.3")
                .service(Embedder.class, embedder).build())) {
            assertThat(ids(mmr.rerank("q", hits, 3))).containsExactly("a", "b", "a2");
        }
        assertThat(embedder.closed).hasValue(0);
    }

    @Test
    void identityKeepsTheOrderAndCuts() {
        assertThat(ids(Reranker.identity().rerank("q", hits, 2))).containsExactly("a", "a2");
    }
}
