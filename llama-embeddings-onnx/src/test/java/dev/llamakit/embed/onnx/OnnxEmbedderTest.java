package dev.llamakit.embed.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in models against reference values, truncation, query instructions, and the {@code onnx} provider
 * loading the built-in model from files.
 *
 * <p>The reference values were computed once with langchain4j's own classes for these model jars
 * ({@code AllMiniLmL6V2EmbeddingModel}, {@code AllMiniLmL6V2QuantizedEmbeddingModel},
 * {@code BgeSmallEnV15QuantizedEmbeddingModel}; langchain4j 1.19.0/1.20.0 with their own ONNX Runtime 1.20.0 and DJL
 * tokenizers 0.36.0: a second implementation of the same tokenization, pooling and normalisation), in a scratch
 * project outside this build: {@code model.embed(text).content().vector()}, the first eight components printed with
 * 7 decimals, and the cosines of the guitar sentences. The full-precision "Hello world" vector is also the one
 * sentence-transformers (Python) gives for all-MiniLM-L6-v2: -0.0344773, 0.0310232, 0.0067349, ...
 *
 * <ul>
 *   <li>Full precision: every value matches to every printed digit; checked within 1e-5.</li>
 *   <li>Quantized, "Hello world" (4 tokens): matches to every printed digit; checked within 1e-5.</li>
 *   <li>Quantized, longer inputs: differ by up to about 7e-3 per component (MiniLM guitar cosine 0.7134 here, 0.7120
 *       there): ONNX Runtime 1.29's integer kernels round differently from 1.20's; the same pipeline run on 1.20
 *       reproduces langchain4j's values exactly. Only the cosines are checked, within 1e-2.</li>
 * </ul>
 */
class OnnxEmbedderTest {
    private static final float[] MINILM_HELLO_WORLD = {-0.0356769f, 0.0206792f, 0.0047046f, 0.0265370f, -0.0502911f,
            -0.1626370f, 0.0746432f, -0.0045940f};
    private static final float[] BGE_HELLO_WORLD = {0.0170374f, -0.0252329f, 0.0135736f, -0.0740412f, 0.0048515f,
            0.0037909f, -0.0241347f, 0.0472230f};
    private static final float[] FP32_HELLO_WORLD = {-0.0344773f, 0.0310232f, 0.0067349f, 0.0261089f, -0.0393620f,
            -0.1603025f, 0.0669240f, -0.0064414f};
    private static final float[] FP32_GUITAR = {0.0216641f, -0.0048642f, -0.0096491f, -0.0634013f, -0.1674935f,
            0.0046765f, 0.0805998f, -0.0241421f};
    private static final float[] FP32_STOCKS = {0.0604550f, 0.0054453f, 0.0765658f, 0.0538295f, -0.0147931f,
            -0.0060963f, -0.0293773f, 0.0537153f};
    private static final String GUITAR = "A man is playing a guitar.";
    private static final String STRUMMING = "Someone is strumming a guitar.";
    private static final String STOCKS = "The stock market fell sharply today.";

    private static OnnxEmbedder minilm;
    private static OnnxEmbedder bge;
    private static OnnxEmbedder fp32;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() {
        minilm = (OnnxEmbedder) Embedders.create("all-minilm-l6-v2-q", Map.of());
        bge = (OnnxEmbedder) Embedders.create("bge-small-en-v1.5-q", Map.of());
        fp32 = OnnxEmbedder.builder().name("all-minilm-l6-v2")
                .model(ModelFiles.copy(ModelFiles.MINILM_FP32, dir))
                .tokenizer(ModelFiles.copy(ModelFiles.MINILM_FP32_TOKENIZER, dir))
                .maxLength(256).threads(2).build();
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge.close();
        fp32.close();
    }

    private static void assertStartsWith(float[] vector, float[] expected, float tolerance, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(vector[i]).as("component %d of %s", i, what).isCloseTo(expected[i], within(tolerance));
        }
    }

    @Test
    void builtInModelsDescribeThemselves() {
        assertThat(minilm.name()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(minilm.dimensions()).isEqualTo(384);
        assertThat(minilm.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(minilm.maxLength()).isEqualTo(256);
        assertThat(minilm.queryPrefix()).isEmpty();
        assertThat(bge.name()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(bge.dimensions()).isEqualTo(384);
        assertThat(bge.pooling()).isEqualTo(Pooling.CLS);
        assertThat(bge.maxLength()).isEqualTo(512);
        assertThat(bge.queryPrefix()).isEqualTo("Represent this sentence for searching relevant passages: ");
        assertThat(Embedders.available()).contains("all-minilm-l6-v2-q", "bge-small-en-v1.5-q", "onnx");
    }

    @Test
    void quantizedModelsRunOneTextAtATime() {
        // dynamically quantized: one activation scale per batch, so vectors would depend on the batch's other texts
        assertThat(minilm.batched()).isFalse();
        assertThat(bge.batched()).isFalse();
        assertThat(minilm.toString()).contains("one text per run");
    }

    @Test
    void helloWorldMatchesTheReference() {
        assertStartsWith(minilm.embed(List.of("Hello world")).get(0), MINILM_HELLO_WORLD, 1e-5f,
                "all-minilm-l6-v2-q 'Hello world'");
        assertStartsWith(bge.embed(List.of("Hello world")).get(0), BGE_HELLO_WORLD, 1e-5f, "bge-small-en-v1.5-q 'Hello world'");
    }

    @Test
    void fullPrecisionMiniLmMatchesTheReference() {
        List<float[]> v = fp32.embed(List.of("Hello world", GUITAR, STRUMMING, STOCKS));
        assertStartsWith(v.get(0), FP32_HELLO_WORLD, 1e-5f, "all-minilm-l6-v2 'Hello world'");
        assertStartsWith(v.get(1), FP32_GUITAR, 1e-5f, "all-minilm-l6-v2 guitar");
        assertStartsWith(v.get(3), FP32_STOCKS, 1e-5f, "all-minilm-l6-v2 stocks");
        assertThat(cosine(v.get(1), v.get(2))).isCloseTo(0.718550, within(1e-5));
        assertThat(cosine(v.get(1), v.get(3))).isCloseTo(-0.054027, within(1e-5));
    }

    @Test
    void similaritiesMatchTheReferenceAndRankParaphrasesFirst() {
        List<float[]> m = minilm.embed(List.of(GUITAR, STRUMMING, STOCKS));
        assertThat(cosine(m.get(0), m.get(1))).isCloseTo(0.711968, within(1e-2));
        assertThat(cosine(m.get(0), m.get(2))).isCloseTo(-0.064060, within(1e-2));
        List<float[]> b = bge.embed(List.of(GUITAR, STRUMMING, STOCKS));
        assertThat(cosine(b.get(0), b.get(1))).isCloseTo(0.876889, within(1e-2));
        assertThat(cosine(b.get(0), b.get(2))).isCloseTo(0.354673, within(1e-2));

        List<float[]> v = minilm.embed(List.of("The weather is lovely today.", "It's so sunny outside!",
                "He drove to the stadium.", "Llamas are domesticated South American camelids."));
        assertThat(cosine(v.get(0), v.get(1))).as("weather vs sunny, against weather vs stadium and vs llamas")
                .isGreaterThan(cosine(v.get(0), v.get(2))).isGreaterThan(cosine(v.get(0), v.get(3)));
    }

    @Test
    void quantizedAndFullPrecisionMiniLmAgree() {
        List<String> texts = List.of("Hello world", GUITAR, STOCKS, "", longText(400));
        List<float[]> full = fp32.embed(texts);
        List<float[]> quantized = minilm.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(cosine(full.get(i), quantized.get(i))).as("cosine of fp32 and quantized vectors of text %d", i)
                    .isGreaterThan(0.95);
        }
    }

    @Test
    void textsLongerThanTheMaximumAreTruncatedDeterministically() {
        String head = longText(400); // well over 256 word pieces
        float[] a = minilm.embed(List.of(head + " and then the story turns to interest rates and bond markets")).get(0);
        float[] b = minilm.embed(List.of(head + " but llamas graze quietly on the altiplano")).get(0);
        float[] again = minilm.embed(List.of(head + " and then the story turns to interest rates and bond markets")).get(0);
        assertThat(maxDiff(a, b)).as("texts that differ only after the 256th token").isLessThanOrEqualTo(1e-6);
        assertThat(maxDiff(a, again)).as("the same long text twice").isLessThanOrEqualTo(1e-6);
        float[] shorter = minilm.embed(List.of(longText(100))).get(0);
        assertThat(maxDiff(a, shorter)).as("a text that fits vs a truncated one").isGreaterThan(1e-3);
        // BGE reads 512 tokens: the same two texts differ for it only if the ending is within 512 tokens
        String veryLong = longText(900);
        assertThat(maxDiff(bge.embed(List.of(veryLong + " one ending")).get(0),
                bge.embed(List.of(veryLong + " another ending entirely")).get(0))).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void emptyTextIsClsSepAndAUnitVector() {
        float[] empty = minilm.embed(List.of("")).get(0);
        assertThat(norm(empty)).isCloseTo(1.0, within(1e-4));
        assertThat(maxDiff(empty, minilm.embed(List.of("   ")).get(0))).as("blanks tokenize to nothing, like ''")
                .isLessThanOrEqualTo(1e-6);
        assertThat(maxDiff(empty, minilm.embed(List.of("Hello world")).get(0))).isGreaterThan(1e-2);
    }

    @Test
    void bgePrependsItsInstructionToQueriesOnly() {
        String q = "what do llamas eat";
        float[] query = bge.embedQuery(q);
        float[] withInstruction = bge.embed(List.of(bge.queryPrefix() + q)).get(0);
        float[] plain = bge.embed(List.of(q)).get(0);
        assertThat(maxDiff(query, withInstruction)).isLessThanOrEqualTo(1e-6);
        assertThat(maxDiff(query, plain)).isGreaterThan(1e-3);
        assertThat(maxDiff(minilm.embedQuery(q), minilm.embed(List.of(q)).get(0))).as("no instruction for MiniLM")
                .isLessThanOrEqualTo(1e-6);
    }

    @Test
    void onnxProviderLoadingTheSameFilesGivesTheSameVectors() {
        Path model = ModelFiles.copy(BuiltInModel.ALL_MINILM_L6_V2_Q.modelResource, dir);
        Path tokenizer = ModelFiles.copy(BuiltInModel.ALL_MINILM_L6_V2_Q.tokenizerResource, dir);
        List<String> texts = List.of("Hello world", GUITAR, "", longText(400));
        try (Embedder fromFiles = Embedders.create("onnx", Map.of("name", "minilm-from-files", "model", model.toString(),
                "tokenizer", tokenizer.toString(), "max-length", "256", "pooling", "mean", "batch-size", "2"))) {
            assertThat(fromFiles.name()).isEqualTo("minilm-from-files");
            assertThat(fromFiles.dimensions()).isEqualTo(384);
            List<float[]> a = fromFiles.embed(texts);
            List<float[]> b = minilm.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(maxDiff(a.get(i), b.get(i))).as("text %d from files vs from the classpath", i)
                        .isLessThanOrEqualTo(1e-6);
            }
        }
    }

    @Test
    void clsPoolingOfMiniLmIsADifferentEmbedding() {
        Path model = ModelFiles.copy(BuiltInModel.ALL_MINILM_L6_V2_Q.modelResource, dir);
        Path tokenizer = ModelFiles.copy(BuiltInModel.ALL_MINILM_L6_V2_Q.tokenizerResource, dir);
        try (OnnxEmbedder cls = OnnxEmbedder.builder().name("minilm-cls").model(model).tokenizer(tokenizer)
                .pooling(Pooling.CLS).maxLength(256).queryPrefix("query: ").batchSize(1).threads(1).build()) {
            float[] v = cls.embed(List.of("Hello world")).get(0);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
            assertThat(maxDiff(v, minilm.embed(List.of("Hello world")).get(0))).isGreaterThan(1e-2);
            assertThat(maxDiff(cls.embedQuery("x"), cls.embed(List.of("query: x")).get(0))).isLessThanOrEqualTo(1e-6);
        }
    }

    static String longText(int words) {
        String[] w = "llamas alpacas graze on the high plains of the andes where farmers keep herds for wool and"
                .split(" ");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append(w[(i * 5 + i / w.length) % w.length]).append(' ');
        }
        return b.toString().trim();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
