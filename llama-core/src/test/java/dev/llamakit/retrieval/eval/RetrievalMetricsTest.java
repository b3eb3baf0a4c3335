package dev.llamakit.retrieval.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** trec_eval's definitions on examples small enough to compute by hand. */
class RetrievalMetricsTest {

    @Test
    void ndcgUsesGradesAsGainsAndLog2Discount() {
        // d1 grade 2, d2 grade 1, d3 judged non-relevant; d4 unjudged.
        Map<String, Integer> qrels = Map.of("d1", 2, "d2", 1, "d3", 0);
        List<String> ranking = List.of("d3", "d1", "d4", "d2");
        // DCG = 2/log2(3) + 1/log2(5) = 1.26186 + 0.43068; ideal = 2/log2(2) + 1/log2(3) = 2.63093
        assertThat(RetrievalMetrics.ndcg(ranking, qrels, 10)).isCloseTo(0.6433224083, within(1e-9));
        // cut at 2: only d1 at rank 2 counts; the ideal at 2 is unchanged
        assertThat(RetrievalMetrics.ndcg(ranking, qrels, 2)).isCloseTo((2 / log2(3)) / (2 + 1 / log2(3)),
                within(1e-12));
    }

    @Test
    void ndcgWithThreeGrades() {
        Map<String, Integer> qrels = Map.of("a", 3, "b", 2, "c", 1);
        // DCG = 1/1 + 2/log2(3) + 3/log2(5); ideal = 3/1 + 2/log2(3) + 1/log2(4)
        assertThat(RetrievalMetrics.ndcg(List.of("c", "b", "x", "a"), qrels, 10))
                .isCloseTo(0.7463238208, within(1e-9));
        assertThat(RetrievalMetrics.ndcg(List.of("a", "b", "c"), qrels, 10)).isEqualTo(1.0);
    }

    @Test
    void idealDcgComesFromTheQrelsNotFromTheRun() {
        // Two relevant documents judged, only one retrieved: the ideal still counts both.
        Map<String, Integer> qrels = Map.of("a", 1, "b", 1);
        assertThat(RetrievalMetrics.ndcg(List.of("a"), qrels, 10)).isCloseTo(1 / (1 + 1 / log2(3)), within(1e-12));
    }

    @Test
    void relevantDocumentBelowTheCutoffCountsForRecallOnly() {
        List<String> ranking = List.of("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "rel");
        Map<String, Integer> qrels = Map.of("rel", 1);
        assertThat(RetrievalMetrics.ndcg(ranking, qrels, 10)).isZero();
        assertThat(RetrievalMetrics.reciprocalRank(ranking, qrels, 10)).isZero();
        assertThat(RetrievalMetrics.recall(ranking, qrels, 10)).isZero();
        assertThat(RetrievalMetrics.recall(ranking, qrels, 100)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.reciprocalRank(ranking, qrels, 100)).isEqualTo(1.0 / 11);
    }

    @Test
    void recallAndReciprocalRankCountGradesAboveZeroOnly() {
        Map<String, Integer> qrels = Map.of("a", 1, "b", 2, "c", 0, "d", -1);
        List<String> ranking = List.of("c", "d", "b", "z");
        assertThat(RetrievalMetrics.recall(ranking, qrels, 100)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.recall(ranking, qrels, 2)).isZero();
        assertThat(RetrievalMetrics.reciprocalRank(ranking, qrels, 10)).isEqualTo(1.0 / 3);
    }

    @Test
    void emptyRankingScoresZero() {
        Map<String, Integer> qrels = Map.of("a", 1);
        assertThat(RetrievalMetrics.ndcg(List.of(), qrels, 10)).isZero();
        assertThat(RetrievalMetrics.recall(List.of(), qrels, 100)).isZero();
        assertThat(RetrievalMetrics.reciprocalRank(List.of(), qrels, 10)).isZero();
    }

    @Test
    void queryWithoutRelevantDocumentsScoresZeroNotNaN() {
        Map<String, Integer> qrels = Map.of("a", 0);
        assertThat(RetrievalMetrics.ndcg(List.of("a"), qrels, 10)).isZero();
        assertThat(RetrievalMetrics.recall(List.of("a"), qrels, 10)).isZero();
    }

    @Test
    void tiesAreBrokenByDocumentIdDescendingAsTrecEvalDoes() {
        List<ScoredDocument> hits = List.of(new ScoredDocument("a", 1.0), new ScoredDocument("b", 1.0),
                new ScoredDocument("c", 2.0), new ScoredDocument("10", 0.5), new ScoredDocument("9", 0.5));
        assertThat(ids(RetrievalMetrics.rank(hits, TieBreak.TREC_EVAL))).containsExactly("c", "b", "a", "9", "10");
        assertThat(ids(RetrievalMetrics.rank(hits, TieBreak.RETRIEVER_ORDER)))
                .containsExactly("c", "a", "b", "10", "9");
    }

    @Test
    void tieOrderChangesTheFigures() {
        List<ScoredDocument> hits = List.of(new ScoredDocument("a", 1.0), new ScoredDocument("b", 1.0));
        Map<String, Integer> qrels = Map.of("a", 1);
        List<String> trec = ids(RetrievalMetrics.rank(hits, TieBreak.TREC_EVAL));
        List<String> ours = ids(RetrievalMetrics.rank(hits, TieBreak.RETRIEVER_ORDER));
        assertThat(RetrievalMetrics.reciprocalRank(trec, qrels, 10)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.reciprocalRank(ours, qrels, 10)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.ndcg(trec, qrels, 1)).isZero();
        assertThat(RetrievalMetrics.ndcg(ours, qrels, 1)).isEqualTo(1.0);
    }

    @Test
    void documentIdsCompareLikeStrcmpOnUtf8() {
        // U+FF21 (3 UTF-8 bytes) sorts before U+1F600 (4 bytes) in UTF-8, but after its surrogates in UTF-16.
        assertThat(RetrievalMetrics.compareCodePoints("\uFF21", "\uD83D\uDE00")).isNegative();
        assertThat("\uFF21".compareTo("\uD83D\uDE00")).isPositive();
        assertThat(RetrievalMetrics.compareCodePoints("ab", "abc")).isNegative();
        assertThat(RetrievalMetrics.compareCodePoints("abc", "abc")).isZero();
    }

    @Test
    void repeatedDocumentsKeepTheirBestScore() {
        List<ScoredDocument> hits = List.of(new ScoredDocument("d1", 3.0), new ScoredDocument("d2", 2.5),
                new ScoredDocument("d1", 1.0), new ScoredDocument("d3", 0.5), new ScoredDocument("d3", 2.8));
        List<ScoredDocument> ranked = RetrievalMetrics.rank(hits, TieBreak.TREC_EVAL);
        assertThat(ranked).containsExactly(new ScoredDocument("d1", 3.0), new ScoredDocument("d3", 2.8),
                new ScoredDocument("d2", 2.5));
    }

    @Test
    void cutoffMustBePositive() {
        assertThatThrownBy(() -> RetrievalMetrics.ndcg(List.of(), Map.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> ids(List<ScoredDocument> docs) {
        return docs.stream().map(ScoredDocument::documentId).toList();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
