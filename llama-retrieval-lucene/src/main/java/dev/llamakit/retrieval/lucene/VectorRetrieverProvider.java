package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.spi.ProviderOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The provider of {@code vector}. Options (all optional):
 *
 * <ul>
 *   <li>{@code embedder}: the name of an embedder on the classpath (default {@code all-minilm-l6-v2-q}, from
 *       {@code llama-embeddings-onnx}); or pass an {@link Embedder} as a service
 *       ({@code ProviderOptions.builder().service(Embedder.class, ...)}), which then stays the caller's to close;
 *       not both;</li>
 *   <li>{@code exact-below} (default {@value VectorRetriever#DEFAULT_EXACT_SEARCH_BELOW}): search exactly while the
 *       index holds at most this many chunks, through the HNSW graph above (0: always the graph);</li>
 *   <li>{@code ef-search} (default {@value VectorRetriever#DEFAULT_EF_SEARCH}): candidates an HNSW search
 *       explores;</li>
 *   <li>{@code index-dir}, {@code highlight} and the chunking options, as {@code bm25}; {@code stemmer},
 *       {@code stopwords} and {@code fields} shape the keyword fields kept in the same index (so that
 *       {@code hybrid} can open it), as {@code bm25}.</li>
 * </ul>
 *
 * An {@link EmbeddingProgress} service is told how indexing goes.
 */
public final class VectorRetrieverProvider implements RetrieverProvider {

    @Override
    public String name() {
        return VectorRetriever.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        Set<String> keys = new HashSet<>(ChunkingOptions.KEYS);
        keys.addAll(DenseOptions.KEYS);
        keys.addAll(List.of(Bm25RetrieverProvider.STEMMER, Bm25RetrieverProvider.STOPWORDS,
                Bm25RetrieverProvider.FIELDS, Bm25RetrieverProvider.INDEX_DIR, Bm25RetrieverProvider.HIGHLIGHT));
        return Set.copyOf(keys);
    }

    @Override
    public String description() {
        return "dense retrieval: an embedder's vectors in a Lucene HNSW index (exact search on small indexes)";
    }

    @Override
    public Retriever create(ProviderOptions options) {
        options.requireOnly(name(), optionKeys());
        VectorRetriever.Builder builder = VectorRetriever.builder()
                .stemmer(Bm25Analyzer.Stemmer.parse(options.string(Bm25RetrieverProvider.STEMMER, "porter")))
                .removeStopWords(options.bool(Bm25RetrieverProvider.STOPWORDS, true))
                .fields(Bm25Retriever.FieldLayout.parse(options.string(Bm25RetrieverProvider.FIELDS, "flat")))
                .highlights(options.bool(Bm25RetrieverProvider.HIGHLIGHT, true))
                .exactSearchBelow(options.integer(DenseOptions.EXACT_BELOW, VectorRetriever.DEFAULT_EXACT_SEARCH_BELOW))
                .efSearch(options.integer(DenseOptions.EF_SEARCH, VectorRetriever.DEFAULT_EF_SEARCH))
                .progress(DenseOptions.progress(options));
        DenseOptions.indexDirectory(options).ifPresent(builder::indexDirectory);
        Bm25RetrieverProvider.chunker(options, name()).ifPresent(builder::chunker);
        // last: an embedder created by name is closed by build() if opening the index fails
        DenseOptions.Choice embedder = DenseOptions.embedder(options, name());
        return (embedder.owned() ? builder.ownedEmbedder(embedder.embedder()) : builder.embedder(embedder.embedder()))
                .build();
    }
}
