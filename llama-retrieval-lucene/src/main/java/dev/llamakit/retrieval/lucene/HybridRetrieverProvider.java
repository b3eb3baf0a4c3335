package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.retrieval.fusion.RankFusion;
import dev.llamakit.spi.ProviderOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The provider of {@code hybrid}. Options (all optional):
 *
 * <ul>
 *   <li>{@value #FUSION}: {@code minmax} (default, equal weights) or {@code rrf};</li>
 *   <li>{@value #RRF_K} (default 60): the k of reciprocal rank fusion; {@code fusion=rrf} only;</li>
 *   <li>{@value #WEIGHTS}: two numbers ≥ 0, {@code bm25,vector}, e.g. {@code 0.3,0.7} (default equal); only their
 *       ratio matters; for either fusion;</li>
 *   <li>{@value #CANDIDATES} (default {@value HybridRetriever#DEFAULT_CANDIDATES}): how deep each ranking is before
 *       fusion (at least topK);</li>
 *   <li>{@code embedder}, {@code exact-below}, {@code ef-search}: as {@code vector};</li>
 *   <li>every {@code bm25} option ({@code k1}, {@code b}, {@code stemmer}, {@code stopwords}, {@code fields},
 *       {@code title-weight}, {@code text-weight}, {@code index-dir}, {@code highlight}, chunking), with its
 *       defaults.</li>
 * </ul>
 *
 * An {@link Embedder} service replaces the {@code embedder} option; an {@link EmbeddingProgress} service is told how
 * indexing goes.
 */
public final class HybridRetrieverProvider implements RetrieverProvider {
    public static final String FUSION = "fusion";
    public static final String RRF_K = "rrf-k";
    public static final String WEIGHTS = "weights";
    public static final String CANDIDATES = "candidates";

    @Override
    public String name() {
        return HybridRetriever.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        Set<String> keys = new HashSet<>(new Bm25RetrieverProvider().optionKeys());
        keys.addAll(DenseOptions.KEYS);
        keys.addAll(List.of(FUSION, RRF_K, WEIGHTS, CANDIDATES));
        return Set.copyOf(keys);
    }

    @Override
    public String description() {
        return "BM25 and vector retrieval over one Lucene index, merged by reciprocal rank (or min-max) fusion";
    }

    @Override
    public Retriever create(ProviderOptions options) {
        options.requireOnly(name(), optionKeys());
        HybridRetriever.Builder builder = HybridRetriever.builder()
                .fusion(fusion(options))
                .candidates(options.integer(CANDIDATES, HybridRetriever.DEFAULT_CANDIDATES))
                .k1((float) options.decimal(Bm25RetrieverProvider.K1, Bm25Retriever.DEFAULT_K1))
                .b((float) options.decimal(Bm25RetrieverProvider.B, Bm25Retriever.DEFAULT_B))
                .stemmer(Bm25Analyzer.Stemmer.parse(options.string(Bm25RetrieverProvider.STEMMER, "porter")))
                .removeStopWords(options.bool(Bm25RetrieverProvider.STOPWORDS, true))
                .highlights(options.bool(Bm25RetrieverProvider.HIGHLIGHT, true))
                .exactSearchBelow(options.integer(DenseOptions.EXACT_BELOW, VectorRetriever.DEFAULT_EXACT_SEARCH_BELOW))
                .efSearch(options.integer(DenseOptions.EF_SEARCH, VectorRetriever.DEFAULT_EF_SEARCH))
                .progress(DenseOptions.progress(options));
        Bm25Retriever.FieldLayout fields = Bm25Retriever.FieldLayout.parse(
                options.string(Bm25RetrieverProvider.FIELDS, "flat"));
        builder.fields(fields);
        if (fields == Bm25Retriever.FieldLayout.MULTIFIELD) {
            builder.titleWeight((float) options.decimal(Bm25RetrieverProvider.TITLE_WEIGHT, 1.0))
                    .textWeight((float) options.decimal(Bm25RetrieverProvider.TEXT_WEIGHT, 1.0));
        } else if (options.string(Bm25RetrieverProvider.TITLE_WEIGHT).isPresent()
                || options.string(Bm25RetrieverProvider.TEXT_WEIGHT).isPresent()) {
            throw new IllegalArgumentException("options 'title-weight' and 'text-weight' need fields=multifield;"
                    + " with fields=flat title and text share one field");
        }
        DenseOptions.indexDirectory(options).ifPresent(builder::indexDirectory);
        Bm25RetrieverProvider.chunker(options, name()).ifPresent(builder::chunker);
        // last: an embedder created by name is closed by build() if opening the index fails
        DenseOptions.Choice embedder = DenseOptions.embedder(options, name());
        return (embedder.owned() ? builder.ownedEmbedder(embedder.embedder()) : builder.embedder(embedder.embedder()))
                .build();
    }

    /** The fusion the options ask for; fails naming the option on a bad or misplaced value. */
    static RankFusion fusion(ProviderOptions options) {
        String method = options.string(FUSION, RankFusion.DEFAULT_NAME).trim().toLowerCase(Locale.ROOT);
        if (!method.equals("rrf") && options.string(RRF_K).isPresent()) {
            throw new IllegalArgumentException("option 'rrf-k' applies to fusion=rrf only, not fusion=" + method);
        }
        int k = options.integer(RRF_K, 60, 0);
        double[] weights = weights(options.string(WEIGHTS));
        try {
            return RankFusion.named(method, k, weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + (e.getMessage().contains("weights") ? WEIGHTS : FUSION)
                    + "' of 'hybrid': " + e.getMessage(), e);
        }
    }

    private static double[] weights(Optional<String> value) {
        if (value.isEmpty()) {
            return new double[0];
        }
        String[] parts = value.get().split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("option 'weights' must be two numbers, bm25,vector (e.g. 0.3,0.7),"
                    + " got '" + value.get() + "'");
        }
        double[] weights = new double[2];
        for (int i = 0; i < 2; i++) {
            try {
                weights[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option 'weights' must be two numbers, bm25,vector (e.g."
                        + " 0.3,0.7), got '" + value.get() + "'");
            }
        }
        return weights;
    }
}
