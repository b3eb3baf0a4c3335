package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Document;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedder is identified by what it computes: an index keeps its embedder's vector of a fixed probe text, so an
 * embedder under the same name and dimensions that computes other vectors (another model, pooling or length limit)
 * is refused instead of mixing its vectors with the stored ones.
 */
class EmbedderFingerprintTest {
    @TempDir
    Path tmp;

    /** The same name and dimensions as {@link HashingEmbedder}, but only the first {@code maxChars} of a text. */
    static Embedder truncating(int maxChars) {
        HashingEmbedder base = new HashingEmbedder();
        return new Embedder() {
            @Override
            public String name() {
                return base.name();
            }

            @Override
            public int dimensions() {
                return base.dimensions();
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                return base.embed(texts.stream().map(t -> t.substring(0, Math.min(maxChars, t.length()))).toList());
            }
        };
    }

    Path build(Embedder embedder) {
        Path dir = tmp.resolve("index");
        try (VectorRetriever r = VectorRetriever.builder().embedder(embedder).indexDirectory(dir).build()) {
            r.upsert(List.of(Document.builder("a").text("rivers and stones").build()));
        }
        return dir;
    }

    static void assertRefused(Path dir, Embedder embedder) {
        assertThatThrownBy(() -> VectorRetriever.builder().embedder(embedder).indexDirectory(dir).build())
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.INCOMPATIBLE))
                .hasMessageContaining("computes other vectors")
                .hasMessageContaining(HashingEmbedder.NAME);
    }

    @Test
    void anotherModelUnderTheSameNameIsRefused() {
        Path dir = build(new HashingEmbedder());
        UnaryOperator<float[]> otherModel = v -> {
            float[] w = v.clone();
            for (int i = 0; i < w.length; i += 2) {
                w[i] = -w[i];
            }
            return w;
        };
        assertRefused(dir, new CountingEmbedder(new HashingEmbedder(), otherModel));
        try (VectorRetriever r = VectorRetriever.builder().embedder(new HashingEmbedder()).indexDirectory(dir).build()) {
            assertThat(r.count()).isEqualTo(1);
        }
    }

    @Test
    void anotherLengthLimitUnderTheSameNameIsRefused() {
        Path dir = build(truncating(4000));
        assertRefused(dir, truncating(500));
        try (VectorRetriever r = VectorRetriever.builder().embedder(truncating(4000)).indexDirectory(dir).build()) {
            assertThat(r.count()).isEqualTo(1);
        }
    }

    @Test
    void floatNoiseOfTheSameComputationIsNotAnotherEmbedder() {
        Path dir = build(new HashingEmbedder());
        java.util.Random random = new java.util.Random(7);
        UnaryOperator<float[]> noise = v -> {
            float[] w = v.clone();
            for (int i = 0; i < w.length; i++) {
                w[i] += (float) (random.nextGaussian() * 1e-6);
            }
            return w;
        };
        try (VectorRetriever r = VectorRetriever.builder().embedder(new CountingEmbedder(new HashingEmbedder(), noise))
                .indexDirectory(dir).build()) {
            assertThat(r.count()).isEqualTo(1);
        }
    }

    @Test
    void theProbeIsStoredInTheCommit() {
        Path dir = build(new HashingEmbedder());
        try (VectorRetriever r = VectorRetriever.builder().embedder(new HashingEmbedder()).indexDirectory(dir).build()) {
            r.upsert(List.of(Document.builder("b").text("more").build()));
        }
        try (org.apache.lucene.store.Directory d = org.apache.lucene.store.FSDirectory.open(dir)) {
            var data = org.apache.lucene.index.SegmentInfos.readLatestCommit(d).getUserData();
            assertThat(data).containsKey(LuceneIndex.PROBE_KEY).containsEntry(LuceneIndex.EMBEDDER_KEY,
                    HashingEmbedder.NAME);
            assertThat(VectorIndexer.sameComputation(data.get(LuceneIndex.PROBE_KEY),
                    new VectorIndexer(new HashingEmbedder(), false, (a, b) -> { }).probe())).isTrue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
