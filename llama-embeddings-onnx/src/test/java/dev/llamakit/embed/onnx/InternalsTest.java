package dev.llamakit.embed.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Padding, pooling, text clean-up and the DJL settings, on made-up inputs. */
class InternalsTest {

    private static TextTokenizer.Tokens tokens(long... ids) {
        return new TextTokenizer.Tokens(ids, new long[ids.length]);
    }

    @Test
    void batchesArePaddedOnTheRightWithAMask() {
        TokenBatch b = TokenBatch.of(List.of(tokens(101, 7, 102), tokens(101, 102), tokens(101, 5, 6, 7, 102)));
        assertThat(b.rows).isEqualTo(3);
        assertThat(b.columns).isEqualTo(5);
        assertThat(b.shape()).containsExactly(3, 5);
        assertThat(b.ids).containsExactly(101, 7, 102, 0, 0, 101, 102, 0, 0, 0, 101, 5, 6, 7, 102);
        assertThat(b.mask).containsExactly(1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1);
        assertThat(b.typeIds).containsOnly(0L);
        assertThatThrownBy(() -> TokenBatch.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void meanPoolingIgnoresPaddedPositions() {
        TokenBatch b = TokenBatch.of(List.of(tokens(1, 2), tokens(1, 2, 3)));
        // [2 rows, 3 columns, 2 dimensions]; row 0's padded position holds a huge value that must not count
        FloatBuffer hidden = FloatBuffer.wrap(new float[] {
                1, 0, 3, 0, 1000, 1000,
                0, 3, 0, 4, 0, 5});
        float[][] v = Pooler.pool(hidden, 2, b, Pooling.MEAN);
        assertThat(v[0]).containsExactly(1f, 0f); // mean (2, 0) normalised
        assertThat(v[1][0]).isCloseTo(0f, within(1e-7f));
        assertThat(v[1][1]).isCloseTo(1f, within(1e-7f));
        float[][] cls = Pooler.pool(FloatBuffer.wrap(new float[] {3, 4, 9, 9, 9, 9, 0, 2, 7, 7, 7, 7}), 2, b, Pooling.CLS);
        assertThat(cls[0][0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(cls[0][1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(cls[1]).containsExactly(0f, 1f);
    }

    @Test
    void poolingRejectsWrongShapesAndZeroVectors() {
        TokenBatch b = TokenBatch.of(List.of(tokens(1, 2)));
        assertThatThrownBy(() -> Pooler.pool(FloatBuffer.wrap(new float[3]), 2, b, Pooling.MEAN))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned 3 values, expected 1 x 2 x 2");
        assertThatThrownBy(() -> Pooler.pool(FloatBuffer.wrap(new float[4]), 2, b, Pooling.MEAN))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("zero vector");
        assertThatThrownBy(() -> Pooler.rows(FloatBuffer.wrap(new float[] {Float.NaN, 1}), 1, 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("non-finite");
        assertThat(Pooler.rows(FloatBuffer.wrap(new float[] {0, 2, 3, 4}), 2, 2)[1]).containsExactly(0.6f, 0.8f);
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacters() {
        assertThat(TextTokenizer.wellFormed("plain")).isSameAs("plain");
        assertThat(TextTokenizer.wellFormed("\uD83E\uDD99 ok")).isEqualTo("\uD83E\uDD99 ok");
        assertThat(TextTokenizer.wellFormed("a\uD83Db")).isEqualTo("a\uFFFDb");
        assertThat(TextTokenizer.wellFormed("\uDC00x\uD83E\uDD99\uD83E")).isEqualTo("\uFFFDx\uD83E\uDD99\uFFFD");
    }

    @Test
    void djlTelemetryAndNativeDownloadsAreTurnedOffUnlessTheUserDecided() {
        Properties none = new Properties();
        assertThat(DjlSettings.missing(key -> null, none))
                .containsExactly(Map.entry("OPT_OUT_TRACKING", "true"), Map.entry("RUST_FLAVOR", "cpu"));
        Properties set = new Properties();
        set.setProperty("RUST_FLAVOR", "cu124");
        assertThat(DjlSettings.missing(key -> key.equals("OPT_OUT_TRACKING") ? "false" : null, set)).isEmpty();
        DjlSettings.apply();
        String optOut = System.getenv("OPT_OUT_TRACKING") != null ? System.getenv("OPT_OUT_TRACKING")
                : System.getProperty("OPT_OUT_TRACKING");
        assertThat(optOut).isEqualTo("true");
    }
}
