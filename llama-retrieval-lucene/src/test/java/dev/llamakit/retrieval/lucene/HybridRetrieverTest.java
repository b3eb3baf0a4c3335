package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.fusion.RankFusion;
import dev.llamakit.tck.SampleCorpus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HybridRetrieverTest {
    private static final List<String> QUERIES = List.of("penguins lagoon", "saffron rice stock", "pengiuns antarctica",
            "Winter im Herbst", "the lunar eagle landed", "volcano", SampleCorpus.broadQuery());

    private static Bm25Retriever bm25;
    private static VectorRetriever vector;

    @BeforeAll
    static void separateRetrievers() {
        bm25 = Bm25Retriever.builder().highlights(false).build();
        vector = VectorRetriever.builder().embedder(new HashingEmbedder()).highlights(false).build();
        bm25.upsert(SampleCorpus.documents());
        vector.upsert(SampleCorpus.documents());
    }

    @AfterAll
    static void close() {
        bm25.close();
        vector.close();
    }

    static HybridRetriever hybrid(RankFusion fusion, int candidates) {
        HybridRetriever r = HybridRetriever.builder().embedder(new HashingEmbedder()).fusion(fusion)
                .candidates(candidates).highlights(false).build();
        r.upsert(SampleCorpus.documents());
        return r;
    }

    /** What fusing the separate bm25 and vector rankings gives, re-attributed to hybrid. */
    static List<String> expected(RankFusion fusion, RetrievalQuery query, int depth) {
        RetrievalQuery.Builder b = RetrievalQuery.builder(query.text()).topK(depth);
        query.filters().forEach((k, v) -> b.filter(k, v.toArray(String[]::new)));
        RetrievalQuery deep = b.build();
        return summary(fusion.fuse(List.of(bm25.retrieve(deep), vector.retrieve(deep)), query.topK(), "hybrid"));
    }

    static List<String> summary(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.rank() + " " + h.chunk().id() + " " + h.score() + " " + h.retriever()).toList();
    }

    static List<String> docIds(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    @Test
    void eachFusionIsExactlyTheFusionOfTheBm25AndVectorRankings() {
        for (RankFusion fusion : List.of(RankFusion.reciprocalRank(60), RankFusion.reciprocalRank(10, 0.3, 0.7),
                RankFusion.minMax(), RankFusion.minMax(0.3, 0.7))) {
            try (HybridRetriever hybrid = hybrid(fusion, 100)) {
                for (String text : QUERIES) {
                    for (int k : new int[] {1, 5, 40}) {
                        RetrievalQuery q = RetrievalQuery.of(text, k);
                        assertThat(summary(hybrid.retrieve(q))).as("%s, '%s', topK %d", fusion, text, k)
                                .isEqualTo(expected(fusion, q, 100));
                    }
                    RetrievalQuery filtered = RetrievalQuery.builder(text).topK(5).filter("lang", "de").build();
                    assertThat(summary(hybrid.retrieve(filtered))).as("%s, '%s' filtered", fusion, text)
                            .isEqualTo(expected(fusion, filtered, 100));
                }
            }
        }
    }

    /** Hybrid fuses on chunk ids and reads only the fused hits' chunks: every field must still be what it was. */
    @Test
    void hitsCarryExactlyTheChunksOfTheSeparateRetrievers() {
        for (RankFusion fusion : List.of(RankFusion.reciprocalRank(60), RankFusion.minMax())) {
            try (HybridRetriever hybrid = hybrid(fusion, 100)) {
                for (String text : QUERIES) {
                    for (int k : new int[] {1, 7, 40}) {
                        RetrievalQuery q = RetrievalQuery.builder(text).topK(k).build();
                        RetrievalQuery deep = RetrievalQuery.builder(text).topK(100).build();
                        assertThat(hybrid.retrieve(q)).as("%s, '%s', topK %d", fusion, text, k).isEqualTo(
                                fusion.fuse(List.of(bm25.retrieve(deep), vector.retrieve(deep)), k, "hybrid"));
                    }
                }
            }
        }
    }

    @Test
    void rrfScoresAreTheTextbookSums() {
        try (HybridRetriever hybrid = hybrid(RankFusion.reciprocalRank(60), 100)) {
            // "xylophone" is in no document: only the vector ranking has hits
            assertThat(bm25.retrieve("xylophone", 3)).isEmpty();
            List<RetrievedChunk> dense = vector.retrieve("xylophone", 3);
            List<RetrievedChunk> hits = hybrid.retrieve("xylophone", 3);
            assertThat(docIds(hits)).isEqualTo(docIds(dense));
            assertThat(hits).extracting(RetrievedChunk::score).containsExactly(1.0 / 61, 1.0 / 62, 1.0 / 63);
            // a document first in both rankings scores 2/61
            String id = "cities-04";
            assertThat(bm25.retrieve("venice lagoon gondolas", 1).get(0).chunk().documentId()).isEqualTo(id);
            assertThat(vector.retrieve("venice lagoon gondolas", 1).get(0).chunk().documentId()).isEqualTo(id);
            RetrievedChunk best = hybrid.retrieve("venice lagoon gondolas", 1).get(0);
            assertThat(best.chunk().documentId()).isEqualTo(id);
            assertThat(best.score()).isEqualTo(2.0 / 61);
        }
    }

    @Test
    void candidatesBoundTheDepthOfEachRanking() {
        RankFusion rrf = RankFusion.reciprocalRank(60);
        try (HybridRetriever shallow = hybrid(rrf, 3)) {
            for (String text : QUERIES) {
                assertThat(summary(shallow.retrieve(text, 2))).isEqualTo(expected(rrf, RetrievalQuery.of(text, 2), 3));
                // never fewer than topK per ranking
                assertThat(summary(shallow.retrieve(text, 8))).isEqualTo(expected(rrf, RetrievalQuery.of(text, 8), 8));
            }
            assertThat(shallow.retrieve(SampleCorpus.broadQuery(), 10_000)).hasSize(32);
        }
    }

    @Test
    void aZeroWeightSwitchesOneSideOff() {
        try (HybridRetriever keywordsOnly = hybrid(RankFusion.minMax(1, 0), 100);
             HybridRetriever vectorsOnly = hybrid(RankFusion.reciprocalRank(60, 0, 1), 100)) {
            for (String text : QUERIES) {
                assertThat(docIds(keywordsOnly.retrieve(text, 10))).isEqualTo(docIds(bm25.retrieve(text, 10)));
                assertThat(docIds(vectorsOnly.retrieve(text, 10))).isEqualTo(docIds(vector.retrieve(text, 10)));
            }
        }
    }

    @Test
    void theVectorSideFindsWhatBm25CannotAndBm25KeepsExactWordsFirst() {
        try (Retriever hybrid = Retrievers.create("hybrid", Map.of("embedder", HashingEmbedder.NAME))) {
            hybrid.upsert(SampleCorpus.documents());
            assertThat(bm25.retrieve("pengiuns antarctica", 10)).isEmpty();
            assertThat(docIds(hybrid.retrieve("pengiuns antarctica", 3))).first().isEqualTo("animals-01");
            List<RetrievedChunk> hits = hybrid.retrieve("saffron", 3);
            assertThat(hits.get(0).chunk().documentId()).isEqualTo("cooking-05");
            assertThat(hits.get(0).highlight()).contains("saffron");
            assertThat(hits).extracting(RetrievedChunk::retriever).containsOnly("hybrid");
            // filters restrict both sides inside the search: 3 German hits for an English word
            assertThat(hybrid.retrieve(RetrievalQuery.builder("penguins").topK(3).filter("lang", "de").build()))
                    .hasSize(3).allSatisfy(h -> assertThat(h.chunk().metadata()).containsEntry("lang", "de"));
        }
    }

    @Test
    void optionsBecomeTheFusion() {
        Map<String, String> base = Map.of("embedder", HashingEmbedder.NAME);
        assertThat(fusionOf(base)).hasToString("minmax(weights=equal)");
        assertThat(fusionOf(with(base, "fusion", "rrf"))).hasToString("rrf(k=60)");
        assertThat(fusionOf(with(with(base, "fusion", "rrf"), "rrf-k", "10"))).hasToString("rrf(k=10)");
        assertThat(fusionOf(with(with(base, "weights", "0.3, 0.7"), "fusion", "RRF"))).hasToString("rrf(k=60, weights=[0.3, 0.7])");
        assertThat(fusionOf(with(base, "fusion", "minmax"))).hasToString("minmax(weights=equal)");
        assertThat(fusionOf(with(with(base, "fusion", "min-max"), "weights", "1,0"))).hasToString("minmax(weights=[1.0, 0.0])");
        try (HybridRetriever r = (HybridRetriever) Retrievers.create("hybrid", with(base, "candidates", "250"))) {
            assertThat(r.candidates()).isEqualTo(250);
            assertThat(r.embedderName()).isEqualTo(HashingEmbedder.NAME);
            assertThat(r).hasToString("HybridRetriever[in memory, embedder=test-hashing-512 (512 dimensions),"
                    + " fusion=minmax(weights=equal), candidates=250, chunking=none]");
        }
    }

    private static RankFusion fusionOf(Map<String, String> options) {
        try (HybridRetriever r = (HybridRetriever) Retrievers.create("hybrid", options)) {
            return r.fusion();
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }

    @Test
    void badOptionsAreErrorsNamingWhatIsWrong() {
        Map<String, String> base = Map.of("embedder", HashingEmbedder.NAME);
        Map<Map<String, String>, String> bad = new java.util.LinkedHashMap<>();
        bad.put(with(base, "fusion", "borda"), "rrf or minmax");
        bad.put(with(with(base, "fusion", "minmax"), "rrf-k", "10"), "rrf-k");
        bad.put(with(base, "rrf-k", "-1"), "rrf-k");
        bad.put(with(base, "weights", "1"), "two numbers");
        bad.put(with(base, "weights", "1,2,3"), "two numbers");
        bad.put(with(base, "weights", "a,b"), "two numbers");
        bad.put(with(base, "weights", "-1,1"), "weights");
        bad.put(with(base, "weights", "0,0"), "not all be 0");
        bad.put(with(base, "candidates", "0"), "candidates");
        bad.put(with(base, "title-weight", "2"), "multifield");
        bad.put(with(base, "k1", "-1"), "k1");
        bad.put(with(base, "nope", "1"), "unknown option [nope]");
        int closed = HashingEmbedderProvider.CLOSED.get();
        int created = HashingEmbedderProvider.CREATED.get();
        bad.forEach((options, message) -> assertThatThrownBy(() -> Retrievers.create("hybrid", options))
                .as("%s", options).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message));
        assertThat(HashingEmbedderProvider.CREATED.get() - created).as("embedders created for bad options")
                .isEqualTo(HashingEmbedderProvider.CLOSED.get() - closed);
        assertThatThrownBy(() -> HybridRetriever.builder().embedder(new HashingEmbedder())
                .fusion(RankFusion.minMax(1, 1, 1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 weights");
        assertThatThrownBy(() -> HybridRetriever.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("embedder");
    }
}
