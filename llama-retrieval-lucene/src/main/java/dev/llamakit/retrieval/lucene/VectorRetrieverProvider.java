package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.spi.ProviderOptions;
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
 *   <li>{@code index}, {@code highlight} and the chunking options, as {@code bm25}; {@code stemmer},
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
        return LuceneOptions.keys(LuceneOptions.DENSE_KEYS);
    }

    @Override
    public String description() {
        return "dense retrieval: an embedder's vectors in a Lucene HNSW index (exact search on small indexes)";
    }

    @Override
    public Retriever create(ProviderOptions options) {
        VectorRetriever.Builder builder = LuceneOptions.index(options, name(), VectorRetriever.builder());
        return LuceneOptions.dense(options, name(), builder).build(); // dense last: it may create the embedder
    }
}
