package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The provider of {@code bm25}. Options (all optional; the defaults reproduce Anserini's BEIR BM25 baseline):
 *
 * <ul>
 *   <li>{@value #K1} (default 0.9) and {@value #B} (default 0.4): BM25's parameters;</li>
 *   <li>{@value #STEMMER}: {@code porter} (default) or {@code none};</li>
 *   <li>{@value #STOPWORDS}: {@code true} (default: Lucene's 33 English stop words are removed) or {@code false};</li>
 *   <li>{@value #FIELDS}: {@code flat} (default: title + "\n" + text in one field) or {@code multifield};</li>
 *   <li>{@value #TITLE_WEIGHT}, {@value #TEXT_WEIGHT} (default 1.0 each): field weights, multifield only;</li>
 *   <li>{@value #INDEX_DIR}: keep the index in this directory (default: in memory);</li>
 *   <li>the shared chunking options ({@link ChunkingOptions}): {@code chunking} = {@code none} (one chunk per
 *       document; the default, as the BEIR reproduction needs) or {@code sentence}, with {@code chunk-tokens} and
 *       {@code chunk-overlap}. A {@link Chunker} passed as a service ({@code ProviderOptions.builder().service(
 *       Chunker.class, ...)}) replaces the built-in sentence chunker and is used unless {@code chunking=none};</li>
 *   <li>{@value #HIGHLIGHT}: {@code true} (default) or {@code false}: whether hits carry their best passage.</li>
 * </ul>
 */
public final class Bm25RetrieverProvider implements RetrieverProvider {
    public static final String K1 = "k1";
    public static final String B = "b";
    public static final String STEMMER = "stemmer";
    public static final String STOPWORDS = "stopwords";
    public static final String FIELDS = "fields";
    public static final String TITLE_WEIGHT = "title-weight";
    public static final String TEXT_WEIGHT = "text-weight";
    public static final String INDEX_DIR = "index-dir";
    public static final String HIGHLIGHT = "highlight";

    @Override
    public String name() {
        return Bm25Retriever.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        Set<String> keys = new HashSet<>(ChunkingOptions.KEYS);
        keys.addAll(List.of(K1, B, STEMMER, STOPWORDS, FIELDS, TITLE_WEIGHT, TEXT_WEIGHT, INDEX_DIR, HIGHLIGHT));
        return Set.copyOf(keys);
    }

    @Override
    public String description() {
        return "Lucene BM25 (k1 0.9, b 0.4, English analyzer with Porter stemming), in memory or on disk";
    }

    /**
     * The chunker the options ask for, or empty for whole documents: a {@link Chunker} service (used unless
     * {@code chunking=none}), else the shared {@link ChunkingOptions} ({@code chunking=sentence} gives a
     * {@code SentenceChunker} sized by {@code chunk-tokens} and {@code chunk-overlap}).
     */
    static Optional<Chunker> chunker(ProviderOptions options) {
        return chunker(options, Bm25Retriever.NAME);
    }

    /** As {@link #chunker(ProviderOptions)}, naming {@code provider} in errors. */
    static Optional<Chunker> chunker(ProviderOptions options, String provider) {
        Optional<Chunker> service = options.service(Chunker.class);
        String mode = options.string(ChunkingOptions.CHUNKING, service.isPresent() ? "sentence" : "none")
                .trim().toLowerCase(Locale.ROOT);
        if (service.isPresent() && mode.equals("sentence")) {
            for (String key : new String[] {ChunkingOptions.CHUNK_TOKENS, ChunkingOptions.CHUNK_OVERLAP}) {
                if (options.string(key).isPresent()) {
                    throw new IllegalArgumentException("option '" + key + "' sizes the built-in sentence chunker;"
                            + " it cannot apply to the Chunker passed as a service");
                }
            }
            return service;
        }
        Chunker chunker = ChunkingOptions.chunker(options, provider);
        return mode.equals("none") ? Optional.empty() : Optional.of(chunker);
    }

    @Override
    public Retriever create(ProviderOptions options) {
        options.requireOnly(name(), optionKeys());
        Bm25Retriever.Builder builder = Bm25Retriever.builder()
                .k1((float) options.decimal(K1, Bm25Retriever.DEFAULT_K1))
                .b((float) options.decimal(B, Bm25Retriever.DEFAULT_B))
                .stemmer(Bm25Analyzer.Stemmer.parse(options.string(STEMMER, "porter")))
                .removeStopWords(options.bool(STOPWORDS, true))
                .highlights(options.bool(HIGHLIGHT, true));
        Bm25Retriever.FieldLayout fields = Bm25Retriever.FieldLayout.parse(options.string(FIELDS, "flat"));
        builder.fields(fields);
        if (fields == Bm25Retriever.FieldLayout.MULTIFIELD) {
            builder.titleWeight((float) options.decimal(TITLE_WEIGHT, 1.0))
                    .textWeight((float) options.decimal(TEXT_WEIGHT, 1.0));
        } else if (options.string(TITLE_WEIGHT).isPresent() || options.string(TEXT_WEIGHT).isPresent()) {
            throw new IllegalArgumentException("options 'title-weight' and 'text-weight' need fields=multifield;"
                    + " with fields=flat title and text share one field");
        }
        Optional<String> dir = options.string(INDEX_DIR);
        if (dir.isPresent()) {
            try {
                builder.indexDirectory(Path.of(dir.get().trim()));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("option 'index-dir' is not a valid path: '" + dir.get() + "'", e);
            }
        }
        chunker(options).ifPresent(builder::chunker);
        return builder.build();
    }
}
