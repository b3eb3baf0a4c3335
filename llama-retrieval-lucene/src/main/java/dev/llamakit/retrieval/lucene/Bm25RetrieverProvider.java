package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverOptions;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/**
 * The provider of {@code bm25}. Options (all optional; the defaults reproduce Anserini's BEIR BM25 baseline; the
 * shared keys are those of {@link RetrieverOptions}, the same on every backend):
 *
 * <ul>
 *   <li>{@value #K1} (default 0.9) and {@value #B} (default 0.4): BM25's parameters;</li>
 *   <li>{@value #STEMMER}: {@code porter} (default) or {@code none};</li>
 *   <li>{@value #STOPWORDS}: {@code true} (default: Lucene's 33 English stop words are removed) or {@code false};</li>
 *   <li>{@value #FIELDS}: {@code flat} (default: title + "\n" + text in one field) or {@code multifield};</li>
 *   <li>{@value #TITLE_WEIGHT}, {@value #TEXT_WEIGHT} (default 1.0 each): field weights, multifield only;</li>
 *   <li>{@value #INDEX}: keep the index in this folder (default: in memory); {@code index-dir} is its deprecated
 *       spelling;</li>
 *   <li>the shared chunking options ({@link ChunkingOptions}): {@code chunking} = {@code none} (one chunk per
 *       document; the default, as the BEIR reproduction needs) or {@code sentence}, with {@code chunk-tokens} and
 *       {@code chunk-overlap}. A {@link Chunker} passed as a service ({@code ProviderOptions.builder().service(
 *       Chunker.class, ...)}) replaces the built-in sentence chunker and is used unless {@code chunking=none};</li>
 *   <li>{@value #HIGHLIGHT}: {@code true} (default) or {@code false}: whether hits carry their best passage.</li>
 * </ul>
 */
public final class Bm25RetrieverProvider implements RetrieverProvider {
    public static final String K1 = RetrieverOptions.K1;
    public static final String B = RetrieverOptions.B;
    public static final String STEMMER = LuceneOptions.STEMMER;
    public static final String STOPWORDS = LuceneOptions.STOPWORDS;
    public static final String FIELDS = LuceneOptions.FIELDS;
    public static final String TITLE_WEIGHT = LuceneOptions.TITLE_WEIGHT;
    public static final String TEXT_WEIGHT = LuceneOptions.TEXT_WEIGHT;
    public static final String INDEX = RetrieverOptions.INDEX;
    /** The old spelling of {@link #INDEX}, still read (with a warning logged once). */
    @Deprecated
    public static final String INDEX_DIR = RetrieverOptions.DEPRECATED_INDEX_DIR;
    public static final String HIGHLIGHT = RetrieverOptions.HIGHLIGHT;

    @Override
    public String name() {
        return Bm25Retriever.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return LuceneOptions.keys(LuceneOptions.BM25_KEYS);
    }

    @Override
    public String description() {
        return "Lucene BM25 (k1 0.9, b 0.4, English analyzer with Porter stemming), in memory or on disk";
    }

    @Override
    public Retriever create(ProviderOptions options) {
        LuceneOptions.Bm25 bm25 = LuceneOptions.bm25(options);
        return LuceneOptions.index(options, name(), Bm25Retriever.builder())
                .k1(bm25.k1()).b(bm25.b()).titleWeight(bm25.titleWeight()).textWeight(bm25.textWeight())
                .build();
    }
}
