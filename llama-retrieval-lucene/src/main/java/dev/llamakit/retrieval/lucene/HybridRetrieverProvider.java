package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverOptions;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.retrieval.fusion.RankFusion;
import dev.llamakit.spi.ProviderOptions;
import java.util.List;
import java.util.Set;

/**
 * The provider of {@code hybrid}. Options (all optional):
 *
 * <ul>
 *   <li>{@value #FUSION}: {@code minmax} (default, equal weights) or {@code rrf};</li>
 *   <li>{@value #RRF_K} (default 60): the k of reciprocal rank fusion; {@code fusion=rrf} only;</li>
 *   <li>{@value #WEIGHTS}: two numbers ≥ 0, {@code bm25,vector}, e.g. {@code 0.3,0.7} (default equal); only their
 *       ratio matters; for either fusion (weighted min-max or weighted RRF), as on every backend;</li>
 *   <li>{@value #CANDIDATES} (default {@value HybridRetriever#DEFAULT_CANDIDATES}): how deep each ranking is before
 *       fusion (at least topK);</li>
 *   <li>{@code embedder}, {@code exact-below}, {@code ef-search}: as {@code vector};</li>
 *   <li>every {@code bm25} option ({@code k1}, {@code b}, {@code stemmer}, {@code stopwords}, {@code fields},
 *       {@code title-weight}, {@code text-weight}, {@code index}, {@code highlight}, chunking), with its
 *       defaults.</li>
 * </ul>
 *
 * An {@link Embedder} service replaces the {@code embedder} option; an {@link EmbeddingProgress} service is told how
 * indexing goes.
 */
public final class HybridRetrieverProvider implements RetrieverProvider {
    public static final String FUSION = RetrieverOptions.FUSION;
    public static final String RRF_K = RetrieverOptions.RRF_K;
    public static final String WEIGHTS = RetrieverOptions.WEIGHTS;
    public static final String CANDIDATES = RetrieverOptions.CANDIDATES;

    @Override
    public String name() {
        return HybridRetriever.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return LuceneOptions.keys(LuceneOptions.BM25_KEYS, LuceneOptions.DENSE_KEYS,
                List.of(FUSION, RRF_K, WEIGHTS, CANDIDATES));
    }

    @Override
    public String description() {
        return "BM25 and vector retrieval over one Lucene index, merged by reciprocal rank (or min-max) fusion";
    }

    @Override
    public Retriever create(ProviderOptions options) {
        LuceneOptions.Bm25 bm25 = LuceneOptions.bm25(options);
        HybridRetriever.Builder builder = LuceneOptions.index(options, name(), HybridRetriever.builder())
                .fusion(fusion(options))
                .candidates(options.integer(CANDIDATES, HybridRetriever.DEFAULT_CANDIDATES))
                .k1(bm25.k1()).b(bm25.b()).titleWeight(bm25.titleWeight()).textWeight(bm25.textWeight());
        return LuceneOptions.dense(options, name(), builder).build(); // dense last: it may create the embedder
    }

    /** The fusion the options ask for ({@link RetrieverOptions#fusion}); fails naming the option. */
    static RankFusion fusion(ProviderOptions options) {
        return RetrieverOptions.fusion(options, HybridRetriever.NAME);
    }
}
