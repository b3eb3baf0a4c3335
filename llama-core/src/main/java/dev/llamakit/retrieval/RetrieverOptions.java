package dev.llamakit.retrieval;

import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.retrieval.fusion.RankFusion;
import dev.llamakit.spi.ProviderOptions;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The option vocabulary the retriever providers share, and its one parser: a key means the same, is checked the same
 * way and fails with the same message on every backend ({@code bm25}, {@code vector}, {@code hybrid},
 * {@code opensearch}).
 *
 * <ul>
 *   <li>{@value #INDEX}: where the index lives: a folder for the Lucene retrievers, an index name for
 *       {@code opensearch}. {@value #DEPRECATED_INDEX_DIR} is its old Lucene spelling, still read (with a warning,
 *       logged once).</li>
 *   <li>{@value #HIGHLIGHT}: {@code true} (default) or {@code false}: whether hits carry their best passage.</li>
 *   <li>{@value #K1} (default {@value #DEFAULT_K1}, finite and &ge; 0) and {@value #B} (default {@value #DEFAULT_B},
 *       in [0, 1]): BM25's parameters.</li>
 *   <li>{@value #FUSION} ({@code minmax}, the default, or {@code rrf}), {@value #RRF_K} (default
 *       {@value #DEFAULT_RRF_K}, {@code fusion=rrf} only) and {@value #WEIGHTS} ({@code bm25,vector}, two numbers
 *       &ge; 0, not both 0; default equal): how a hybrid search merges its two rankings. The weights apply to both
 *       fusions (weighted min-max, weighted RRF; see {@link RankFusion}).</li>
 *   <li>{@value #CANDIDATES}: how deep each ranking of a hybrid search is before fusion.</li>
 *   <li>the chunking options, read by {@link ChunkingOptions#select}.</li>
 * </ul>
 *
 * The registry ({@link Retrievers#create(String, ProviderOptions)}) rejects keys a provider does not list; a provider
 * does not check them again.
 */
public final class RetrieverOptions {
    public static final String INDEX = "index";
    /** The old spelling of {@value #INDEX} for the Lucene retrievers' folder: read, with a warning logged once. */
    public static final String DEPRECATED_INDEX_DIR = "index-dir";
    public static final String HIGHLIGHT = "highlight";
    public static final String K1 = "k1";
    public static final String B = "b";
    public static final String FUSION = "fusion";
    public static final String RRF_K = "rrf-k";
    public static final String WEIGHTS = "weights";
    public static final String CANDIDATES = "candidates";
    /** The keys that shape a hybrid search's fusion. */
    public static final Set<String> FUSION_KEYS = Set.of(FUSION, RRF_K, WEIGHTS);

    /** Anserini's k1, the default of every BM25 retriever. */
    public static final float DEFAULT_K1 = 0.9f;
    /** Anserini's b, the default of every BM25 retriever. */
    public static final float DEFAULT_B = 0.4f;
    /** The default k of reciprocal rank fusion (Cormack et al.). */
    public static final int DEFAULT_RRF_K = 60;

    private static final Logger log = LoggerFactory.getLogger(RetrieverOptions.class);
    /** Deprecated keys already warned about in this JVM: each is logged once. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private RetrieverOptions() {
    }

    /**
     * The {@value #INDEX} option, or its deprecated spelling {@value #DEPRECATED_INDEX_DIR} (the first use of which
     * logs a warning).
     *
     * @throws IllegalArgumentException when both spellings are given
     */
    public static Optional<String> index(ProviderOptions options, String provider) {
        return renamed(options, provider, DEPRECATED_INDEX_DIR, INDEX);
    }

    /** The {@value #HIGHLIGHT} option (default true). */
    public static boolean highlight(ProviderOptions options) {
        return options.bool(HIGHLIGHT, true);
    }

    /** The {@value #K1} option (default {@value #DEFAULT_K1}), checked by {@link #checkK1(float)}. */
    public static float k1(ProviderOptions options) {
        return checkK1((float) options.decimal(K1, DEFAULT_K1));
    }

    /** The {@value #B} option (default {@value #DEFAULT_B}), checked by {@link #checkB(float)}. */
    public static float b(ProviderOptions options) {
        return checkB((float) options.decimal(B, DEFAULT_B));
    }

    /**
     * {@code k1}, or an error naming it: BM25 term-frequency saturation is finite and &ge; 0.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static float checkK1(float k1) {
        if (!Float.isFinite(k1) || k1 < 0) {
            throw new IllegalArgumentException("k1 must be a finite number >= 0, got " + k1);
        }
        return k1;
    }

    /**
     * {@code b}, or an error naming it: BM25 length normalisation is in [0, 1].
     *
     * @throws IllegalArgumentException otherwise
     */
    public static float checkB(float b) {
        if (!(b >= 0 && b <= 1)) {
            throw new IllegalArgumentException("b must be between 0 and 1, got " + b);
        }
        return b;
    }

    /**
     * The fusion the {@value #FUSION}, {@value #RRF_K} and {@value #WEIGHTS} options ask for (default
     * {@link RankFusion#defaultFusion()}).
     *
     * @param provider the provider name, for error messages
     * @throws IllegalArgumentException naming the option: an unknown fusion, {@value #RRF_K} without
     *     {@code fusion=rrf}, weights that are not two numbers &ge; 0, not both 0
     */
    public static RankFusion fusion(ProviderOptions options, String provider) {
        String method = options.string(FUSION, RankFusion.DEFAULT_NAME).trim().toLowerCase(Locale.ROOT);
        if (!method.equals("rrf") && options.string(RRF_K).isPresent()) {
            throw new IllegalArgumentException("option '" + RRF_K + "' of '" + provider
                    + "' applies to fusion=rrf only, not fusion=" + method);
        }
        int k = options.integer(RRF_K, DEFAULT_RRF_K, 0);
        double[] weights = weights(options.string(WEIGHTS));
        try {
            return RankFusion.named(method, k, weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + (e.getMessage().contains("weights") ? WEIGHTS : FUSION)
                    + "' of '" + provider + "': " + e.getMessage(), e);
        }
    }

    private static double[] weights(Optional<String> value) {
        if (value.isEmpty()) {
            return new double[0];
        }
        String[] parts = value.get().split(",", -1);
        double[] weights = new double[parts.length];
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            for (int i = 0; i < 2; i++) {
                weights[i] = Double.parseDouble(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '" + WEIGHTS + "' must be two numbers, bm25,vector (e.g."
                    + " 0.3,0.7), got '" + value.get() + "'");
        }
        return weights;
    }

    /** The value of {@code current}, or of {@code deprecated} with a warning logged the first time. */
    private static Optional<String> renamed(ProviderOptions options, String provider, String deprecated,
                                            String current) {
        Optional<String> old = options.string(deprecated);
        if (old.isEmpty()) {
            return options.string(current);
        }
        if (options.string(current).isPresent()) {
            throw new IllegalArgumentException("options '" + deprecated + "' and '" + current + "' of '" + provider
                    + "' are the same option ('" + deprecated + "' is its deprecated spelling); give only '"
                    + current + "'");
        }
        if (WARNED.add(deprecated)) {
            log.warn("option '{}' of '{}' is deprecated; use '{}' (same value)", deprecated, provider, current);
        }
        return old;
    }

    /** Tests: forget which deprecated keys were warned about. */
    static void resetWarnings() {
        WARNED.clear();
    }
}
