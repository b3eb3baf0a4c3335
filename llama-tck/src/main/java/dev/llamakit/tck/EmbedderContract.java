package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llamakit.client.error.LlamaException;
import dev.llamakit.embed.Embedder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Embedder} keeps. Extend it in your tests and return a new embedder from
 * {@link #createEmbedder()}; the contract makes one for all rules (models are slow to load), one more for the
 * rules about names and closing, and closes them all.
 *
 * <pre>{@code
 * class MiniLmContractTest extends EmbedderContract {
 *     protected Embedder createEmbedder() { return Embedders.create("all-minilm-l6-v2-q", Map.of()); }
 * }
 * }</pre>
 *
 * <p>The rules (one test each):
 * <ul>
 *   <li>{@code dimensions()} is positive and every vector has that length, with finite components;</li>
 *   <li>every vector has unit length ({@code |1 - norm| < 1e-3}), queries' too;</li>
 *   <li>the same text gives the same vector (within {@value #TOLERANCE} per component), in later calls and twice
 *       in one batch;</li>
 *   <li>a text gives the same vector alone and inside a batch of texts of other lengths, at any position (this
 *       catches padding that leaks into pooling, and models whose vectors depend on their batch);</li>
 *   <li>vectors come back in input order, one per text, for batches larger than any usual batch size; different
 *       texts give different vectors;</li>
 *   <li>an empty list gives an empty list;</li>
 *   <li>a null list is rejected with {@link NullPointerException}, a null text with
 *       {@link IllegalArgumentException}, a null query with either;</li>
 *   <li>the empty text, blanks, control characters, a lone surrogate, emoji, CJK and texts far longer than any
 *       model's maximum length give valid vectors, the long ones deterministically;</li>
 *   <li>if the embedder is {@link #semantic()}: a paraphrase is closer than an unrelated sentence, and a query is
 *       closer to a passage that answers it than to one that does not;</li>
 *   <li>{@code name()} is not blank, has no white space, and is the same every time and for every instance;</li>
 *   <li>four threads embedding at once get the vectors one thread gets;</li>
 *   <li>returned arrays belong to the caller: changing one changes no later result;</li>
 *   <li>after {@code close()}, {@code embed} and {@code embedQuery} throw {@link IllegalStateException} (or a
 *       {@link LlamaException}), {@code name()} still answers, and closing twice is harmless.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EmbedderContract {
    /** The largest difference per component between two vectors of the same text. */
    public static final double TOLERANCE = 1e-4;

    private final List<Embedder> opened = new ArrayList<>();
    private Embedder shared;

    /** A new embedder; the contract closes it. */
    protected abstract Embedder createEmbedder();

    /**
     * Whether the vectors carry meaning, so that the semantic rule applies. Default {@code true}; a hashing or test
     * embedder returns {@code false}.
     */
    protected boolean semantic() {
        return true;
    }

    /** The embedder shared by the rules, made on first use. */
    protected final Embedder embedder() {
        if (shared == null) {
            shared = fresh();
        }
        return shared;
    }

    /** A new embedder from {@link #createEmbedder()}, closed after all rules. */
    protected final Embedder fresh() {
        Embedder e = createEmbedder();
        assertThat(e).as("createEmbedder()").isNotNull();
        opened.add(e);
        return e;
    }

    @AfterAll
    void closeEmbedders() {
        RuntimeException failure = null;
        for (Embedder e : opened) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        opened.clear();
        shared = null;
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------- texts

    /** Texts of one word to about 250 words; each different. */
    protected static List<String> sampleTexts() {
        return List.of(
                "Llamas hum.",
                "The alpaca herd grazed on the high plateau while the shepherd counted them twice before dusk.",
                "Photosynthesis converts light energy into chemical energy stored in glucose.",
                "Interest rates rose again this quarter, and the central bank signalled more increases to come.",
                "A short poem about rain.",
                longText(250));
    }

    /** About {@code words} words of varied English prose. */
    protected static String longText(int words) {
        String[] vocabulary = ("the river carried silt from the mountains to the delta where farmers planted rice in"
                + " flooded fields each spring while herons waited in the shallows and traders moved grain by boat"
                + " toward the coastal markets").split(" ");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append(vocabulary[(i * 7 + i / vocabulary.length) % vocabulary.length]).append(i % 17 == 16 ? ". " : " ");
        }
        return b.toString().trim();
    }

    private static List<String> unusualTexts() {
        return List.of("", " ", "   \t\n", "\u0000", "nul\u0000inside", "lone \uD83D surrogate", "\uDC00",
                "\uD83E\uDD99\uD83E\uDD99 llamas \uD83D\uDE80", "\u5317\u4eac \u6771\u4eac \uc11c\uc6b8",
                "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "z\u0301 e\u0301 a\u030a",
                "\u200B\u200D\uFEFF", "?!.,;:-*()[]{}\"'\\/", "x".repeat(10_000), longText(2_000));
    }

    // ---------------------------------------------------------------- rules

    @Test
    @DisplayName("dimensions() is positive and every vector has that length, with finite components")
    void dimensions() {
        Embedder e = embedder();
        assertThat(e.dimensions()).as("dimensions()").isPositive();
        List<String> texts = sampleTexts();
        List<float[]> vectors = e.embed(texts);
        assertThat(vectors).as("vectors for %d texts", texts.size()).hasSize(texts.size());
        for (int i = 0; i < vectors.size(); i++) {
            assertValid(e, vectors.get(i), "text " + i);
        }
        assertValid(e, e.embedQuery("what do llamas eat?"), "a query");
        assertThat(e.dimensions()).as("dimensions() after embedding").isEqualTo(vectors.get(0).length);
    }

    @Test
    @DisplayName("every vector has unit length")
    void unitLength() {
        Embedder e = embedder();
        for (float[] v : e.embed(sampleTexts())) {
            assertThat(Math.abs(1 - norm(v))).as("|1 - norm|").isLessThan(1e-3);
        }
        for (String q : List.of("llamas", "", "How do plants store energy?")) {
            assertThat(Math.abs(1 - norm(e.embedQuery(q)))).as("|1 - norm| of query '%s'", q).isLessThan(1e-3);
        }
    }

    @Test
    @DisplayName("the same text gives the same vector: in later calls, twice in one batch, and as a query")
    void deterministic() {
        Embedder e = embedder();
        List<String> texts = sampleTexts();
        List<float[]> first = e.embed(texts);
        List<float[]> second = e.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertSame(first.get(i), second.get(i), "text " + i + " embedded twice");
        }
        List<float[]> twice = e.embed(List.of("Llamas hum.", "A short poem about rain.", "Llamas hum."));
        assertSame(twice.get(0), twice.get(2), "one text twice in a batch");
        assertSame(twice.get(0), first.get(0), "'Llamas hum.' in two different batches");
        assertSame(e.embedQuery("what do llamas eat?"), e.embedQuery("what do llamas eat?"), "a query embedded twice");
    }

    @Test
    @DisplayName("a text gives the same vector alone and inside a batch of texts of other lengths, at any position")
    void batchInvariant() {
        Embedder e = embedder();
        String veryLong = longText(700);
        List<String> probes = List.of("Llamas hum.", "", sampleTexts().get(2), longText(120));
        for (String probe : probes) {
            float[] alone = e.embed(List.of(probe)).get(0);
            List<List<String>> batches = List.of(
                    List.of(probe, veryLong),
                    List.of(sampleTexts().get(1), probe, "x"),
                    List.of("Hi.", sampleTexts().get(3), longText(60), probe));
            for (List<String> batch : batches) {
                List<float[]> vectors = e.embed(batch);
                int at = batch.indexOf(probe);
                assertSame(vectors.get(at), alone, "'" + abbreviate(probe) + "' alone vs at position " + at
                        + " of a batch of texts of " + lengths(batch) + " characters");
            }
        }
    }

    @Test
    @DisplayName("vectors come back in input order, one per text; different texts give different vectors")
    void orderPreserved() {
        Embedder e = embedder();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            texts.add(i % 5 == 0 ? "Item number " + i + " is " + longText(5 + i) : "Note " + i + ": llamas " + "hum ".repeat(i % 4));
        }
        List<float[]> vectors = e.embed(texts);
        assertThat(vectors).as("vectors for 70 texts").hasSize(70);
        for (int i : new int[] {0, 1, 9, 31, 32, 33, 64, 69}) {
            assertSame(vectors.get(i), e.embed(List.of(texts.get(i))).get(0), "text " + i + " of 70 vs alone");
        }
        List<String> reversed = new ArrayList<>(texts);
        Collections.reverse(reversed);
        List<float[]> back = e.embed(reversed);
        for (int i = 0; i < texts.size(); i++) {
            assertSame(back.get(texts.size() - 1 - i), vectors.get(i), "text " + i + " in the reversed batch");
        }
        List<float[]> samples = e.embed(sampleTexts());
        for (int i = 0; i < samples.size(); i++) {
            for (int j = i + 1; j < samples.size(); j++) {
                assertThat(maxDiff(samples.get(i), samples.get(j))).as("difference between texts %d and %d", i, j)
                        .isGreaterThan(TOLERANCE * 10);
            }
        }
    }

    @Test
    @DisplayName("an empty list gives an empty list; n texts give n vectors")
    void sizes() {
        Embedder e = embedder();
        assertThat(e.embed(List.of())).as("embed(empty list)").isEmpty();
        assertThat(e.embed(new ArrayList<>())).as("embed(empty ArrayList)").isEmpty();
        assertThat(e.embed(List.of("one"))).hasSize(1);
        assertThat(e.embed(Collections.nCopies(40, "same text"))).hasSize(40);
    }

    @Test
    @DisplayName("a null list is a NullPointerException, a null text an IllegalArgumentException")
    void nullsRejected() {
        Embedder e = embedder();
        assertThatThrownBy(() -> e.embed(null)).as("embed(null)").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.embed(Arrays.asList("fine", null, "also fine")))
                .as("a null text in the list").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.embed(Collections.singletonList(null)))
                .as("a list of one null").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.embedQuery(null)).as("embedQuery(null)")
                .isInstanceOfAny(NullPointerException.class, IllegalArgumentException.class);
        assertValid(e, e.embed(List.of("still works")).get(0), "a text after the rejected calls");
    }

    @Test
    @DisplayName("the empty text, blanks, odd Unicode and very long texts give valid vectors, deterministically")
    void oddTexts() {
        Embedder e = embedder();
        List<String> odd = unusualTexts();
        List<float[]> vectors = e.embed(odd);
        assertThat(vectors).hasSize(odd.size());
        for (int i = 0; i < odd.size(); i++) {
            assertValid(e, vectors.get(i), "odd text " + i + " ('" + abbreviate(odd.get(i)) + "')");
            assertThat(Math.abs(1 - norm(vectors.get(i)))).as("|1 - norm| of odd text %d", i).isLessThan(1e-3);
        }
        String tooLong = odd.get(odd.size() - 1);
        assertSame(e.embed(List.of(tooLong)).get(0), vectors.get(odd.size() - 1), "a 2,000-word text embedded twice");
        assertSame(e.embed(List.of("")).get(0), vectors.get(0), "the empty text embedded twice");
        for (String q : List.of("", "\uD83D", longText(2_000))) {
            assertValid(e, e.embedQuery(q), "query '" + abbreviate(q) + "'");
        }
    }

    @Test
    @DisplayName("a paraphrase is closer than an unrelated sentence; a query is closer to the passage that answers it")
    void semanticSanity() {
        assumeTrue(semantic(), "the embedder declares itself not semantic");
        Embedder e = embedder();
        String[][] triples = {
                {"A man is playing a guitar.", "Someone is strumming a guitar.", "The stock market fell sharply today."},
                {"The cat sat on the mat.", "A cat is sitting on a rug.", "Quantum computers use qubits."},
                {"How do I reset my password?", "I forgot my password and need to change it.", "The recipe needs two eggs."},
                {"Llamas live in the Andes.", "The Andes are home to llamas.", "Interest rates rose this quarter."},
        };
        for (String[] t : triples) {
            List<float[]> v = e.embed(List.of(t));
            assertThat(cosine(v.get(0), v.get(1))).as("'%s' vs paraphrase '%s' (unrelated: '%s')", t[0], t[1], t[2])
                    .isGreaterThan(cosine(v.get(0), v.get(2)));
        }
        List<float[]> passages = e.embed(List.of(
                "Llamas are herbivores: they graze on grasses and browse on shrubs and lichens.",
                "The central bank raised interest rates by a quarter point on Tuesday."));
        float[] query = e.embedQuery("What do llamas eat?");
        assertThat(cosine(query, passages.get(0))).as("query vs the passage that answers it")
                .isGreaterThan(cosine(query, passages.get(1)));
    }

    @Test
    @DisplayName("name() is not blank, has no white space and never changes, across calls and instances")
    void nameStable() {
        Embedder e = embedder();
        String name = e.name();
        assertThat(name).as("name()").isNotBlank().doesNotContainAnyWhitespaces();
        e.embed(List.of("a text"));
        assertThat(e.name()).as("name() after embedding").isEqualTo(name);
        Embedder other = fresh();
        assertThat(other.name()).as("name() of a second instance").isEqualTo(name);
        assertThat(other.dimensions()).as("dimensions() of a second instance").isEqualTo(e.dimensions());
        assertSame(other.embed(List.of("Llamas hum.")).get(0), e.embed(List.of("Llamas hum.")).get(0),
                "one text in two instances");
    }

    @Test
    @DisplayName("four threads embedding at once get the vectors one thread gets")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void concurrent() throws Exception {
        Embedder e = embedder();
        List<String> texts = new ArrayList<>(sampleTexts().subList(0, 5));
        texts.add("");
        List<float[]> expected = e.embed(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<float[]>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                List<String> mine = new ArrayList<>(texts);
                Collections.rotate(mine, t);
                futures.add(pool.submit(() -> {
                    List<float[]> out = new ArrayList<>();
                    for (int round = 0; round < 2; round++) {
                        out = e.embed(mine);
                    }
                    return out;
                }));
            }
            for (int t = 0; t < 4; t++) {
                List<float[]> got = futures.get(t).get(240, TimeUnit.SECONDS);
                for (int i = 0; i < texts.size(); i++) {
                    int j = Math.floorMod(i + t, texts.size());
                    assertSame(got.get(j), expected.get(i), "thread " + t + ", text " + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("returned arrays belong to the caller: changing one changes no later result")
    void vectorsAreCopies() {
        Embedder e = embedder();
        float[] v = e.embed(List.of("Llamas hum.")).get(0);
        float[] kept = v.clone();
        Arrays.fill(v, 42f);
        assertSame(e.embed(List.of("Llamas hum.")).get(0), kept, "the vector after the caller changed an earlier one");
    }

    @Test
    @DisplayName("after close, embed fails clearly, name() still answers, and closing twice is harmless")
    void closed() {
        Embedder e = fresh();
        String name = e.name();
        assertValid(e, e.embed(List.of("before close")).get(0), "a vector before close");
        e.close();
        assertThatThrownBy(() -> e.embed(List.of("after close"))).as("embed after close")
                .isInstanceOfAny(IllegalStateException.class, LlamaException.class);
        assertThatThrownBy(() -> e.embedQuery("after close")).as("embedQuery after close")
                .isInstanceOfAny(IllegalStateException.class, LlamaException.class);
        assertThat(e.name()).as("name() after close").isEqualTo(name);
        assertThatCode(e::close).as("a second close").doesNotThrowAnyException();
    }

    // ---------------------------------------------------------------- helpers

    /** Asserts that {@code v} has {@code e.dimensions()} finite components. */
    protected static void assertValid(Embedder e, float[] v, String what) {
        assertThat(v).as("vector of %s", what).isNotNull().hasSize(e.dimensions());
        for (int d = 0; d < v.length; d++) {
            if (!Float.isFinite(v[d])) {
                throw new AssertionError("component " + d + " of the vector of " + what + " is " + v[d]);
            }
        }
    }

    /** Asserts that {@code a} and {@code b} differ by at most {@link #TOLERANCE} in every component. */
    protected static void assertSame(float[] a, float[] b, String what) {
        assertThat(a.length).as("lengths of the vectors of %s", what).isEqualTo(b.length);
        assertThat(maxDiff(a, b)).as("largest component difference, %s", what).isLessThanOrEqualTo(TOLERANCE);
    }

    /** The largest absolute difference between components. */
    protected static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    /** The cosine similarity. */
    protected static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    /** The Euclidean norm. */
    protected static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static String abbreviate(String s) {
        String shown = s.length() > 30 ? s.substring(0, 30) + "...(" + s.length() + " chars)" : s;
        return shown.replace("\u0000", "\\0").replace("\n", "\\n").replace("\t", "\\t");
    }

    private static List<Integer> lengths(List<String> texts) {
        return texts.stream().map(String::length).toList();
    }
}
