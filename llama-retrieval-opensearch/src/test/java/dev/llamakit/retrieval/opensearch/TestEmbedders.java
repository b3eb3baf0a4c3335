package dev.llamakit.retrieval.opensearch;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbedderProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deterministic embedders for tests (no model): registered as embedder providers in the test class path, so that
 * the {@code embedder} option's lookup by name is exercised too.
 *
 * <ul>
 *   <li>{@code test-hashing} (256 dimensions): feature hashing of the lower-cased words (weight 1) and their
 *       character trigrams (weight 0.5, the word padded with {@code ^} and {@code $}), signed, L2-normalised. Texts
 *       that share words or spellings are close: a misspelt query still finds its document, which BM25 cannot.</li>
 *   <li>{@code test-words} (2,048 dimensions): an exact bag of words. Each word a document brings gets the next free
 *       dimension of a JVM-wide dictionary (queries add none), so the cosine of two texts is above 0 exactly when
 *       they share a word. With a small {@code min-similarity} a vector search then finds what a word matcher finds,
 *       which is what the retriever contract's rules about "only documents that contain a query word" need: a real
 *       model has no such cut-off, and the contract could not tell a working k-NN search from a broken one.</li>
 * </ul>
 */
final class TestEmbedders {
    static final String HASHING = "test-hashing";
    static final String WORDS = "test-words";

    private TestEmbedders() {
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp)) {
                word.appendCodePoint(cp);
            } else if (word.length() > 0) {
                out.add(word.toString());
                word.setLength(0);
            }
        });
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    static float[] normalise(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += f * f;
        }
        if (sum == 0) {
            return v;
        }
        float norm = (float) Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
        return v;
    }

    /** Feature hashing of words and character trigrams. */
    static final class Hashing implements Embedder {
        static final int DIMENSIONS = 256;

        @Override
        public String name() {
            return HASHING;
        }

        @Override
        public int dimensions() {
            return DIMENSIONS;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            List<float[]> out = new ArrayList<>(texts.size());
            for (String text : texts) {
                if (text == null) {
                    throw new IllegalArgumentException("null text");
                }
                float[] v = new float[DIMENSIONS];
                for (String w : words(text)) {
                    add(v, "w:" + w, 1.0f);
                    String padded = "^" + w + "$";
                    for (int i = 0; i + 3 <= padded.length(); i++) {
                        add(v, "t:" + padded.substring(i, i + 3), 0.5f);
                    }
                }
                out.add(normalise(v));
            }
            return out;
        }

        private static void add(float[] v, String feature, float weight) {
            int h = feature.hashCode() * 0x9E3779B1;
            v[Math.floorMod(h, DIMENSIONS)] += (h >>> 31) == 0 ? weight : -weight;
        }
    }

    /** An exact bag of words over a JVM-wide, growing dictionary. */
    static final class Words implements Embedder {
        static final int DIMENSIONS = 2048;
        private static final Map<String, Integer> DICTIONARY = new ConcurrentHashMap<>();
        private static final AtomicInteger NEXT = new AtomicInteger();

        @Override
        public String name() {
            return WORDS;
        }

        @Override
        public int dimensions() {
            return DIMENSIONS;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            List<float[]> out = new ArrayList<>(texts.size());
            for (String text : texts) {
                out.add(vector(text, true));
            }
            return out;
        }

        @Override
        public float[] embedQuery(String query) {
            return vector(query, false);
        }

        private static float[] vector(String text, boolean grow) {
            if (text == null) {
                throw new IllegalArgumentException("null text");
            }
            float[] v = new float[DIMENSIONS];
            for (String w : words(text)) {
                Integer d = grow ? DICTIONARY.computeIfAbsent(w, k -> next()) : DICTIONARY.get(w);
                if (d != null) {
                    v[d] += 1;
                }
            }
            return normalise(v);
        }

        private static int next() {
            int d = NEXT.getAndIncrement();
            if (d >= DIMENSIONS) {
                throw new IllegalStateException("the test-words dictionary is full (" + DIMENSIONS + " words)");
            }
            return d;
        }
    }

    /** Provider of {@code test-hashing}. */
    public static final class HashingProvider implements EmbedderProvider {
        @Override
        public String name() {
            return HASHING;
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public Embedder create(ProviderOptions options) {
            return new Hashing();
        }
    }

    /** Provider of {@code test-words}. */
    public static final class WordsProvider implements EmbedderProvider {
        @Override
        public String name() {
            return WORDS;
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public Embedder create(ProviderOptions options) {
            return new Words();
        }
    }
}
