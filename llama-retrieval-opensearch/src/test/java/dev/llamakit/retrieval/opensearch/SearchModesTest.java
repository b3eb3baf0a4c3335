package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.SampleCorpus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three search modes on one index of the sample corpus with {@code test-hashing} vectors (words and character
 * trigrams): filters inside every mode, what vector search adds (a misspelt query), hybrid fusion, highlights and
 * long queries.
 */
@ExtendWith(OpenSearchNodeExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchModesTest {
    private final OpenSearchNode node;
    private final String index = TestHttp.freshIndex("modes");
    private final List<Retriever> opened = new ArrayList<>();

    SearchModesTest(OpenSearchNode node) {
        this.node = node;
    }

    @BeforeAll
    void index() {
        try (Retriever writer = open("bm25", Map.of())) {
            writer.upsert(SampleCorpus.documents());
        }
    }

    @AfterAll
    void cleanUp() {
        opened.forEach(Retriever::close);
        TestHttp.deleteIndices(node.url(), index);
    }

    private Retriever open(String mode, Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(Map.of("url", node.url(), "index", index, "replicas", "0",
                "mode", mode, "embedder", TestEmbedders.HASHING));
        options.putAll(extra);
        Retriever r = Retrievers.create("opensearch", options);
        opened.add(r);
        return r;
    }

    private static List<String> documentIds(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bm25", "vector", "hybrid"})
    void filtersApplyInsideEveryMode(String mode) {
        Retriever r = open(mode, Map.of());
        String broad = SampleCorpus.broadQuery();
        List<RetrievedChunk> space = r.retrieve(RetrievalQuery.builder(broad).topK(100)
                .filter(SampleCorpus.TOPIC, "space").build());
        assertThat(documentIds(space)).as("%s: topic = space", mode)
                .containsExactlyInAnyOrderElementsOf(SampleCorpus.idsWhere(SampleCorpus.TOPIC, "space"));

        List<RetrievedChunk> spaceOrCooking = r.retrieve(RetrievalQuery.builder(broad).topK(100)
                .filter(SampleCorpus.TOPIC, "space", "cooking").filter(SampleCorpus.LANG, "de").build());
        assertThat(documentIds(spaceOrCooking)).as("%s: topic = space or cooking, and lang = de", mode)
                .containsExactlyInAnyOrder("space-07", "space-08", "cooking-07", "cooking-08");

        List<RetrievedChunk> three = r.retrieve(RetrievalQuery.builder("penguins").topK(3)
                .filter(SampleCorpus.LANG, "de").build());
        assertThat(three).as("%s: filtered top 3", mode).allSatisfy(h ->
                assertThat(h.chunk().metadata()).containsEntry(SampleCorpus.LANG, "de"));
        if (!mode.equals("bm25")) {
            assertThat(three).as("%s: the filter applies inside the k-NN search, so 3 German hits come back", mode)
                    .hasSize(3);
        }
        assertThat(r.retrieve(RetrievalQuery.builder(broad).topK(100).filter("colour", "red").build()))
                .as("%s: a key no document has", mode).isEmpty();
        assertThat(r.retrieve(RetrievalQuery.builder(broad).topK(100).filter(SampleCorpus.TOPIC, "Space").build()))
                .as("%s: values match exactly", mode).isEmpty();
        assertThat(r.retrieve(RetrievalQuery.builder(broad).topK(100).filter("", "x").build()))
                .as("%s: an empty key", mode).isEmpty();
    }

    @Test
    void vectorSearchFindsAMisspeltQueryThatBm25Misses() {
        String misspelt = "pengiuns hudle antarctik";
        assertThat(documentIds(open("bm25", Map.of()).retrieve(misspelt, 5)))
                .as("bm25 needs the exact (stemmed) words").isEmpty();
        assertThat(documentIds(open("vector", Map.of()).retrieve(misspelt, 3))).as("vector: shared trigrams")
                .first().isEqualTo("animals-01");
        List<RetrievedChunk> hybrid = open("hybrid", Map.of()).retrieve(misspelt, 3);
        assertThat(documentIds(hybrid)).first().isEqualTo("animals-01");
        assertThat(hybrid).allSatisfy(h -> assertThat(h.retriever()).isEqualTo("opensearch"));
    }

    @Test
    void vectorScoresAreCosinesAndMinSimilarityCutsOff() {
        List<RetrievedChunk> all = open("vector", Map.of()).retrieve("penguins huddle in the antarctic winter", 32);
        assertThat(all).hasSize(32);
        assertThat(all.get(0).chunk().documentId()).isEqualTo("animals-01");
        assertThat(all).allSatisfy(h -> assertThat(h.score()).isBetween(-1.0, 1.0)); // cosines, as in Lucene's
        assertThat(all.get(all.size() - 1).score()).as("an unrelated chunk is about orthogonal: cosine near 0, not"
                + " (1 + cosine) / 2 near 0.5").isLessThan(0.25);
        double cut = all.get(4).score(); // the cosine of the fifth hit
        List<RetrievedChunk> close = open("vector", Map.of("min-similarity", Double.toString(cut)))
                .retrieve("penguins huddle in the antarctic winter", 32);
        assertThat(close).hasSizeBetween(1, 5);
        assertThat(documentIds(close)).isEqualTo(documentIds(all.subList(0, close.size())));
    }

    @Test
    void hybridFusesBothRankingsWithTheChosenFusion() {
        String query = "penguins saffron nebula";
        List<RetrievedChunk> bm25 = open("bm25", Map.of()).retrieve(query, 10);
        List<RetrievedChunk> vector = open("vector", Map.of("candidates", "10")).retrieve(query, 10);
        List<RetrievedChunk> rrf = open("hybrid", Map.of("fusion", "rrf", "candidates", "10")).retrieve(query, 10);
        List<RetrievedChunk> expected = dev.llamakit.retrieval.fusion.RankFusion.reciprocalRank(60)
                .fuse(List.of(bm25, vector), 10, "opensearch");
        assertThat(documentIds(rrf)).as("hybrid = RRF of the bm25 and vector rankings").isEqualTo(documentIds(expected));
        assertThat(rrf.get(0).score()).isEqualTo(expected.get(0).score());

        // the default: min-max with equal weights
        List<RetrievedChunk> byDefault = open("hybrid", Map.of("candidates", "10")).retrieve(query, 10);
        assertThat(documentIds(byDefault)).as("hybrid by default = min-max of the two rankings")
                .isEqualTo(documentIds(dev.llamakit.retrieval.fusion.RankFusion.defaultFusion()
                        .fuse(List.of(bm25, vector), 10, "opensearch")));

        List<RetrievedChunk> minmax = open("hybrid", Map.of("fusion", "minmax", "weights", "1,0", "candidates", "10"))
                .retrieve(query, 2);
        // (the lowest bm25 hit normalises to 0, where it ties with the vector-only hits: compare the top 2)
        assertThat(documentIds(minmax)).as("min-max with all weight on bm25 ranks as bm25")
                .isEqualTo(documentIds(bm25.subList(0, 2)));

        // weights apply to RRF too (weighted RRF), as in the lucene hybrid retriever
        List<RetrievedChunk> weightedRrf = open("hybrid", Map.of("fusion", "rrf", "weights", "0.3,0.7",
                "candidates", "10")).retrieve(query, 10);
        assertThat(weightedRrf).as("hybrid = weighted RRF of the bm25 and vector rankings").isEqualTo(
                dev.llamakit.retrieval.fusion.RankFusion.reciprocalRank(60, 0.3, 0.7)
                        .fuse(List.of(bm25, vector), 10, "opensearch"));
    }

    @Test
    void bm25HitsCarryTheirBestPassage() {
        List<RetrievedChunk> hits = open("bm25", Map.of()).retrieve("geothermal springs", 1);
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).highlightIfAny()).hasValueSatisfying(h -> assertThat(h).contains("geothermal")
                .doesNotContain("<em>"));
        assertThat(open("bm25", Map.of("highlight", "false")).retrieve("geothermal springs", 1).get(0).highlight())
                .isNull();
    }

    @Test
    void aVeryLongQueryIsSearchedByItsMostFrequentTerms() {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            q.append(SampleCorpus.generatedWord("filler", i)).append(' ');
        }
        q.append("penguins penguins penguins octopus octopus"); // 1,502 distinct terms: fillers (1 each) are cut first
        assertThat(Queries.estimateTokens(q.toString())).isGreaterThan(Queries.MAX_MATCH_TOKENS);
        List<RetrievedChunk> hits = open("bm25", Map.of()).retrieve(q.toString(), 5);
        assertThat(documentIds(hits)).containsExactly("animals-01", "animals-02");
    }
}
