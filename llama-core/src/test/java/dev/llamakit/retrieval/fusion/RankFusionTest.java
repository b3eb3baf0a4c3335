package dev.llamakit.retrieval.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievedChunk;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankFusionTest {

    private static Chunk chunk(String id) {
        return new Chunk(id + "#0", id, 0, "title " + id, "text of " + id, 0, 10, Map.of());
    }

    /** A ranking of the ids in order, with the given scores (or descending 10, 9, ... when none). */
    private static List<RetrievedChunk> ranking(String input, String ids, double... scores) {
        List<RetrievedChunk> hits = new ArrayList<>();
        String[] split = ids.isBlank() ? new String[0] : ids.split(" ");
        for (int i = 0; i < split.length; i++) {
            double score = scores.length == 0 ? 10 - i : scores[i];
            hits.add(new RetrievedChunk(chunk(split[i]), score, i + 1, input, null));
        }
        return hits;
    }

    private static List<String> ids(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    private static Map<String, Double> scores(List<RetrievedChunk> hits) {
        Map<String, Double> out = new LinkedHashMap<>();
        hits.forEach(h -> out.put(h.chunk().documentId(), h.score()));
        return out;
    }

    // ------------------------------------------------------------------------------------------------------ rrf

    @Test
    void rrfWithK60GivesTheTextbookValues() {
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(60).fuse(List.of(
                ranking("bm25", "a b c"),
                ranking("vector", "a c d")), 10, "hybrid");
        Map<String, Double> s = scores(fused);
        assertThat(s.get("a")).isEqualTo(1.0 / 61 + 1.0 / 61); // rank 1 in both: 2/61
        assertThat(s.get("a")).isEqualTo(2.0 / 61);
        assertThat(s.get("c")).isEqualTo(1.0 / 63 + 1.0 / 62);
        assertThat(s.get("b")).isEqualTo(1.0 / 62);
        assertThat(s.get("d")).isEqualTo(1.0 / 63);
        assertThat(ids(fused)).containsExactly("a", "c", "b", "d");
        assertThat(fused).extracting(RetrievedChunk::rank).containsExactly(1, 2, 3, 4);
        assertThat(fused).extracting(RetrievedChunk::retriever).containsOnly("hybrid");
        assertThat(fused.get(0).chunk()).isEqualTo(chunk("a"));
    }

    @Test
    void rrfIgnoresScoresAndTheInputRanksOnlyListOrderCounts() {
        List<RetrievedChunk> odd = List.of(
                new RetrievedChunk(chunk("x"), -5, 7, "bm25", null),
                new RetrievedChunk(chunk("y"), 1e9, 3, "bm25", null));
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(60).fuse(List.of(odd), 10, "h");
        assertThat(ids(fused)).containsExactly("x", "y");
        assertThat(fused.get(0).score()).isEqualTo(1.0 / 61);
        assertThat(fused.get(1).score()).isEqualTo(1.0 / 62);
    }

    @Test
    void rrfKChangesTheValuesAndKZeroIsOneOverRank() {
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(0).fuse(List.of(ranking("a", "p q"), ranking("b", "q")),
                10, "h");
        assertThat(scores(fused)).containsEntry("q", 1.0 / 2 + 1.0 / 1).containsEntry("p", 1.0);
        assertThat(ids(fused)).containsExactly("q", "p");
        assertThatThrownBy(() -> RankFusion.reciprocalRank(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be >= 0");
    }

    @Test
    void disjointListsInterleaveByRankTiesBrokenByChunkId() {
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(60).fuse(List.of(
                ranking("bm25", "m n"),
                ranking("vector", "b a")), 10, "h");
        // m and b both 1/61, n and a both 1/62: equal scores and best ranks, so chunk id decides
        assertThat(ids(fused)).containsExactly("b", "m", "a", "n");
        assertThat(fused.get(0).score()).isEqualTo(fused.get(1).score());
    }

    @Test
    void equalScoresAreBrokenByTheBestRankBeforeTheChunkId() {
        // z: ranks 2 and 2 = 2/62; a: rank 1 and absent = 1/61 + (none); with k = 0: z = 1/2 + 1/2 = 1, a = 1/1 = 1
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(0).fuse(List.of(
                ranking("x", "b z"),
                ranking("y", "a z")), 10, "h");
        Map<String, Double> s = scores(fused);
        assertThat(s.get("z")).isEqualTo(1.0);
        assertThat(s.get("a")).isEqualTo(1.0);
        assertThat(s.get("b")).isEqualTo(1.0);
        // a and b had rank 1, z only rank 2: a, b first (by id), then z
        assertThat(ids(fused)).containsExactly("a", "b", "z");
    }

    @Test
    void swappedRankingsCrossedOrdersTieAndResolveById() {
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(60).fuse(List.of(
                ranking("x", "q p"),
                ranking("y", "p q")), 10, "h");
        assertThat(fused.get(0).score()).isEqualTo(fused.get(1).score());
        assertThat(ids(fused)).containsExactly("p", "q");
    }

    @Test
    void oneEmptyListLeavesTheOtherInItsOrder() {
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(60).fuse(List.of(
                ranking("bm25", ""),
                ranking("vector", "c a b")), 10, "h");
        assertThat(ids(fused)).containsExactly("c", "a", "b");
        assertThat(fused).extracting(RetrievedChunk::score).containsExactly(1.0 / 61, 1.0 / 62, 1.0 / 63);
        assertThat(RankFusion.reciprocalRank(60).fuse(List.of(List.of(), List.of()), 10, "h")).isEmpty();
        assertThat(RankFusion.reciprocalRank(60).fuse(List.of(), 10, "h")).isEmpty();
        assertThat(ids(RankFusion.minMax(1, 1).fuse(List.of(ranking("a", "x y", 2, 1), List.of()), 10, "h")))
                .containsExactly("x", "y");
    }

    @Test
    void aChunkTwiceInOneListCountsOnceAtItsFirstPosition() {
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(60).fuse(List.of(
                ranking("bm25", "x x y"),
                ranking("vector", "y")), 10, "h");
        Map<String, Double> s = scores(fused);
        assertThat(s).hasSize(2);
        assertThat(s.get("x")).isEqualTo(1.0 / 61);
        // ranks are positions after the repeat is removed: y is 2nd in the first list
        assertThat(s.get("y")).isEqualTo(1.0 / 62 + 1.0 / 61);
        assertThat(ids(fused)).containsExactly("y", "x");

        List<RetrievedChunk> minmax = RankFusion.minMax(1).fuse(List.of(ranking("a", "x y x", 5, 3, 1)), 10, "h");
        // the repeat (score 1) is dropped before normalising: x = 1, y = 0
        assertThat(scores(minmax)).containsEntry("x", 1.0).containsEntry("y", 0.0);
    }

    @Test
    void topKCutsAndRenumbers() {
        List<List<RetrievedChunk>> input = List.of(ranking("a", "a b c d e"), ranking("b", "e d c b a"));
        List<RetrievedChunk> all = RankFusion.reciprocalRank(60).fuse(input, 100, "h");
        List<RetrievedChunk> two = RankFusion.reciprocalRank(60).fuse(input, 2, "h");
        assertThat(all).hasSize(5);
        assertThat(two).hasSize(2);
        assertThat(ids(two)).isEqualTo(ids(all).subList(0, 2));
        assertThat(two).extracting(RetrievedChunk::rank).containsExactly(1, 2);
        assertThatThrownBy(() -> RankFusion.reciprocalRank(60).fuse(input, 0, "h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topK");
        assertThatThrownBy(() -> RankFusion.minMax().fuse(input, 0, "h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topK");
    }

    @Test
    void weightedRrfScalesEachRankingsShare() {
        List<RetrievedChunk> fused = RankFusion.reciprocalRank(60, 2, 1).fuse(List.of(
                ranking("bm25", "a b"),
                ranking("vector", "b a")), 10, "h");
        assertThat(scores(fused)).containsEntry("a", 2.0 / 61 + 1.0 / 62).containsEntry("b", 2.0 / 62 + 1.0 / 61);
        assertThat(ids(fused)).containsExactly("a", "b");
        // equal weights order exactly as no weights
        List<List<RetrievedChunk>> input = List.of(ranking("x", "a b c"), ranking("y", "c d a"));
        assertThat(ids(RankFusion.reciprocalRank(60, 0.5, 0.5).fuse(input, 10, "h")))
                .isEqualTo(ids(RankFusion.reciprocalRank(60).fuse(input, 10, "h")));
    }

    @Test
    void theHighlightIsTheFirstInputsThatHasOne() {
        List<RetrievedChunk> a = List.of(new RetrievedChunk(chunk("p"), 1, 1, "x", null),
                new RetrievedChunk(chunk("q"), 0.5, 2, "x", "from x"));
        List<RetrievedChunk> b = List.of(new RetrievedChunk(chunk("p"), 1, 1, "y", "from y"),
                new RetrievedChunk(chunk("q"), 0.5, 2, "y", "also from y"));
        Map<String, String> highlights = new LinkedHashMap<>();
        RankFusion.reciprocalRank(60).fuse(List.of(a, b), 10, "h")
                .forEach(h -> highlights.put(h.chunk().documentId(), h.highlight()));
        assertThat(highlights).containsEntry("p", "from y").containsEntry("q", "from x");
    }

    // --------------------------------------------------------------------------------------------------- min-max

    @Test
    void minMaxRescalesEachRankingAndSumsWithWeights() {
        List<RetrievedChunk> fused = RankFusion.minMax(0.3, 0.7).fuse(List.of(
                ranking("bm25", "a b c", 12.0, 8.0, 4.0),
                ranking("vector", "c d", 0.9, 0.5)), 10, "h");
        Map<String, Double> s = scores(fused);
        assertThat(s.get("a")).isCloseTo(0.3 * 1.0, within(1e-12));
        assertThat(s.get("b")).isCloseTo(0.3 * 0.5, within(1e-12));
        assertThat(s.get("c")).isCloseTo(0.3 * 0.0 + 0.7 * 1.0, within(1e-12));
        assertThat(s.get("d")).isCloseTo(0.7 * 0.0, within(1e-12));
        assertThat(ids(fused)).containsExactly("c", "a", "b", "d");
    }

    @Test
    void minMaxWithEqualScoresGivesEveryHitOne() {
        List<RetrievedChunk> fused = RankFusion.minMax(1, 1).fuse(List.of(
                ranking("bm25", "a b c", 2.5, 2.5, 2.5),
                ranking("vector", "c", 0.1)), 10, "h");
        Map<String, Double> s = scores(fused);
        assertThat(s).containsEntry("a", 1.0).containsEntry("b", 1.0).containsEntry("c", 2.0);
        // a and b tie on score and best rank: by id
        assertThat(ids(fused)).containsExactly("c", "a", "b");
    }

    @Test
    void minMaxWithoutWeightsWeighsEveryRankingOne() {
        List<List<RetrievedChunk>> input = List.of(ranking("x", "a b", 3, 1), ranking("y", "b a", 0.8, 0.2),
                ranking("z", "a", 7));
        assertThat(scores(RankFusion.minMax().fuse(input, 10, "h")))
                .isEqualTo(scores(RankFusion.minMax(1, 1, 1).fuse(input, 10, "h")))
                .containsEntry("a", 2.0).containsEntry("b", 1.0);
    }

    @Test
    void minMaxRefusesNonFiniteScores() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> RankFusion.minMax(1, 1).fuse(List.of(ranking("x", "a b", 1, bad),
                    ranking("y", "a", 1)), 10, "h"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite")
                    .hasMessageContaining("ranking 1").hasMessageContaining("position 2");
        }
        // rrf does not read scores
        assertThat(RankFusion.reciprocalRank(60).fuse(List.of(ranking("x", "a b", 1, Double.NaN)), 10, "h")).hasSize(2);
    }

    // -------------------------------------------------------------------------------------------- validation

    @Test
    void weightsAreValidated() {
        for (double[] bad : List.of(new double[] {-0.1, 1}, new double[] {Double.NaN, 1},
                new double[] {Double.POSITIVE_INFINITY, 1}, new double[] {0, 0})) {
            assertThatThrownBy(() -> RankFusion.minMax(bad)).as("minmax %s", java.util.Arrays.toString(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights");
            assertThatThrownBy(() -> RankFusion.reciprocalRank(60, bad)).as("rrf %s", java.util.Arrays.toString(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights");
        }
        List<List<RetrievedChunk>> two = List.of(ranking("x", "a"), ranking("y", "b"));
        assertThatThrownBy(() -> RankFusion.minMax(1, 1, 1).fuse(two, 10, "h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 weights")
                .hasMessageContaining("2 rankings");
        assertThatThrownBy(() -> RankFusion.reciprocalRank(60, 1).fuse(two, 10, "h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 weights");
    }

    @Test
    void aRankingWeightedZeroIsIgnored() {
        // not a candidate source, and no say in ties: b (0 after min-max in x) is not overtaken by c, which
        // was rank 1 in the switched-off ranking
        List<List<RetrievedChunk>> input = List.of(ranking("x", "a b", 2, 1), ranking("y", "c b", 2, 1));
        assertThat(ids(RankFusion.minMax(1, 0).fuse(input, 10, "h"))).containsExactly("a", "b");
        assertThat(scores(RankFusion.minMax(1, 0).fuse(input, 10, "h"))).containsEntry("a", 1.0).containsEntry("b", 0.0);
        assertThat(ids(RankFusion.reciprocalRank(60, 0, 1).fuse(input, 10, "h"))).containsExactly("c", "b");
        assertThat(RankFusion.reciprocalRank(60, 0, 1).fuse(input, 10, "h").get(1).score()).isEqualTo(1.0 / 62);
    }

    @Test
    void weightsAreCopied() {
        double[] weights = {1, 0};
        RankFusion fusion = RankFusion.minMax(weights);
        weights[1] = 100;
        assertThat(ids(fusion.fuse(List.of(ranking("x", "a", 1), ranking("y", "b", 1)), 10, "h")))
                .containsExactly("a"); // the weight 0 given, not the 100 set afterwards
        assertThat(fusion).hasToString("minmax(weights=[1.0, 0.0])");
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> RankFusion.reciprocalRank(60).fuse(null, 10, "h")).isInstanceOf(NullPointerException.class);
        List<List<RetrievedChunk>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> RankFusion.minMax().fuse(withNull, 10, "h")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RankFusion.reciprocalRank(60).fuse(List.of(ranking("x", "a")), 10, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RankFusion.named(null, 60)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void namedFindsBothMethods() {
        assertThat(RankFusion.named("rrf", 60).name()).isEqualTo("rrf");
        assertThat(RankFusion.named(" RRF ", 10, 1, 2)).hasToString("rrf(k=10, weights=[1.0, 2.0])");
        assertThat(RankFusion.named("MinMax", 60, 0.3, 0.7)).hasToString("minmax(weights=[0.3, 0.7])");
        assertThat(RankFusion.named("min-max", 60).name()).isEqualTo("minmax");
        assertThatThrownBy(() -> RankFusion.named("borda", 60)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'borda'").hasMessageContaining("rrf or minmax");
    }

    @Test
    void fusionIsDeterministic() {
        List<List<RetrievedChunk>> input = new ArrayList<>();
        input.add(ranking("bm25", "d a c b e f", 9, 7, 7, 5, 5, 1));
        input.add(ranking("vector", "b f a g", 0.8, 0.8, 0.3, 0.1));
        for (RankFusion fusion : List.of(RankFusion.reciprocalRank(60), RankFusion.minMax(0.5, 0.5),
                RankFusion.reciprocalRank(1, 1, 3))) {
            List<RetrievedChunk> first = fusion.fuse(input, 10, "h");
            for (int run = 0; run < 5; run++) {
                assertThat(fusion.fuse(List.copyOf(input), 10, "h")).as("%s, run %d", fusion, run).isEqualTo(first);
            }
        }
        // with equal weights, the order of the rankings does not matter
        List<List<RetrievedChunk>> swapped = List.of(input.get(1), input.get(0));
        for (RankFusion fusion : List.of(RankFusion.reciprocalRank(60), RankFusion.minMax())) {
            assertThat(ids(fusion.fuse(swapped, 10, "h"))).as("%s swapped", fusion)
                    .isEqualTo(ids(fusion.fuse(input, 10, "h")));
            assertThat(scores(fusion.fuse(swapped, 10, "h"))).isEqualTo(scores(fusion.fuse(input, 10, "h")));
        }
    }
}
