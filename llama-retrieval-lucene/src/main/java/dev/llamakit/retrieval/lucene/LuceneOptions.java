package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.retrieval.RetrieverOptions;
import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The options of the Lucene retriever providers, read in one place: the shared vocabulary of
 * {@link RetrieverOptions} ({@code index}, {@code highlight}, {@code k1}, {@code b}, chunking) plus the Lucene index's
 * own keys (keyword analysis and field layout, vector search, the embedder).
 */
final class LuceneOptions {
    static final String STEMMER = "stemmer";
    static final String STOPWORDS = "stopwords";
    static final String FIELDS = "fields";
    static final String TITLE_WEIGHT = "title-weight";
    static final String TEXT_WEIGHT = "text-weight";
    static final String EMBEDDER = "embedder";
    static final String EXACT_BELOW = "exact-below";
    static final String EF_SEARCH = "ef-search";
    /** The embedder used when neither an {@link Embedder} service nor the {@code embedder} option is given. */
    static final String DEFAULT_EMBEDDER = "all-minilm-l6-v2-q";

    /** The keys of every Lucene index: analysis, layout, folder, highlights, chunking. */
    static final List<String> INDEX_KEYS = List.of(STEMMER, STOPWORDS, FIELDS, RetrieverOptions.INDEX,
            RetrieverOptions.DEPRECATED_INDEX_DIR, RetrieverOptions.HIGHLIGHT);
    /** The keys of BM25 scoring ({@code bm25}, {@code hybrid}). */
    static final List<String> BM25_KEYS = List.of(RetrieverOptions.K1, RetrieverOptions.B, TITLE_WEIGHT, TEXT_WEIGHT);
    /** The keys of vector search ({@code vector}, {@code hybrid}). */
    static final List<String> DENSE_KEYS = List.of(EMBEDDER, EXACT_BELOW, EF_SEARCH);

    private LuceneOptions() {
    }

    /** The chunking keys, {@link #INDEX_KEYS} and each of {@code more}, for a provider's {@code optionKeys()}. */
    @SafeVarargs
    static Set<String> keys(List<String>... more) {
        Set<String> keys = new HashSet<>(ChunkingOptions.KEYS);
        keys.addAll(INDEX_KEYS);
        for (List<String> m : more) {
            keys.addAll(m);
        }
        return Set.copyOf(keys);
    }

    /** Sets what {@link #INDEX_KEYS} and the chunking options ask for on {@code builder}. */
    static <B extends LuceneRetriever.BaseBuilder<B>> B index(ProviderOptions options, String provider, B builder) {
        builder.stemmer(Bm25Analyzer.Stemmer.parse(options.string(STEMMER, "porter")))
                .removeStopWords(options.bool(STOPWORDS, true))
                .fields(fields(options))
                .highlights(RetrieverOptions.highlight(options));
        Optional<String> dir = RetrieverOptions.index(options, provider);
        if (dir.isPresent()) {
            try {
                builder.indexDirectory(Path.of(dir.get().trim()));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("option '" + RetrieverOptions.INDEX + "' of '" + provider
                        + "' is not a valid path: '" + dir.get() + "'", e);
            }
        }
        ChunkingOptions.select(options, provider).ifPresent(builder::chunker);
        return builder;
    }

    static Bm25Retriever.FieldLayout fields(ProviderOptions options) {
        return Bm25Retriever.FieldLayout.parse(options.string(FIELDS, "flat"));
    }

    /** BM25's parameters and field weights, as {@link #BM25_KEYS} ask. */
    record Bm25(float k1, float b, float titleWeight, float textWeight) {
    }

    /**
     * What {@link #BM25_KEYS} ask for.
     *
     * @throws IllegalArgumentException on a bad value, or field weights without {@code fields=multifield}
     */
    static Bm25 bm25(ProviderOptions options) {
        float k1 = RetrieverOptions.k1(options);
        float b = RetrieverOptions.b(options);
        if (fields(options) == Bm25Retriever.FieldLayout.MULTIFIELD) {
            return new Bm25(k1, b, (float) options.decimal(TITLE_WEIGHT, 1.0), (float) options.decimal(TEXT_WEIGHT, 1.0));
        }
        if (options.string(TITLE_WEIGHT).isPresent() || options.string(TEXT_WEIGHT).isPresent()) {
            throw new IllegalArgumentException("options 'title-weight' and 'text-weight' need fields=multifield;"
                    + " with fields=flat title and text share one field");
        }
        return new Bm25(k1, b, 1.0f, 1.0f);
    }

    /**
     * Sets what {@link #DENSE_KEYS} ask for on {@code builder}, the embedder last (call this last: an embedder created
     * by name is closed by {@code build()} if opening the index fails).
     */
    static <B extends LuceneRetriever.DenseBuilder<B>> B dense(ProviderOptions options, String provider, B builder) {
        builder.exactSearchBelow(options.integer(EXACT_BELOW, VectorRetriever.DEFAULT_EXACT_SEARCH_BELOW))
                .efSearch(options.integer(EF_SEARCH, VectorRetriever.DEFAULT_EF_SEARCH))
                .progress(options.service(EmbeddingProgress.class).orElse(EmbeddingProgress.none()));
        Optional<Embedder> service = options.service(Embedder.class);
        Optional<String> name = options.string(EMBEDDER).map(String::trim);
        if (service.isPresent()) {
            if (name.isPresent()) {
                throw new IllegalArgumentException("'" + provider + "' got both an Embedder service ('"
                        + service.get().name() + "') and the option embedder=" + name.get() + "; pass only one");
            }
            return builder.embedder(service.get());
        }
        String chosen = name.orElse(DEFAULT_EMBEDDER);
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("option 'embedder' of '" + provider + "' is blank; name an embedder,"
                    + " e.g. " + DEFAULT_EMBEDDER);
        }
        try {
            return builder.ownedEmbedder(Embedders.create(chosen, ProviderOptions.EMPTY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + provider + "' needs an embedder"
                    + (name.isEmpty() ? " (option embedder, default " + DEFAULT_EMBEDDER + ")" : "") + ": "
                    + e.getMessage(), e);
        }
    }
}
