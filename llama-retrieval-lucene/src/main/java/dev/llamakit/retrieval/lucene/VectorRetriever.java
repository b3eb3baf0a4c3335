package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * The {@code vector} retriever: dense retrieval with an {@link Embedder} over a Lucene index. Each chunk's vector
 * (of its title and text) is a {@code KnnFloatVectorField} (HNSW graph, dot-product similarity on unit vectors) in
 * the same index, and the same Lucene document, as the chunk's BM25 fields, so one index folder serves
 * {@code vector}, {@code hybrid} and their options alike (see {@code docs/retrieval.md}, "Dense and hybrid").
 *
 * <ul>
 *   <li>Search: the query's vector ({@link Embedder#embedQuery}) against every chunk's, exactly when the index
 *       holds at most {@link Builder#exactSearchBelow(int)} chunks, through the HNSW graph above that. Metadata
 *       filters are applied inside the search (the filter of Lucene's {@code KnnFloatVectorQuery}), so a filtered
 *       top 3 holds 3 hits when 3 chunks match. Scores are cosine similarities in [-1, 1]. A blank query finds
 *       nothing; any other query finds the nearest chunks, whether or not they share a word with it.</li>
 *   <li>Indexing: as {@code bm25} (one Lucene document per chunk, an upsert replaces all chunks of a document
 *       atomically, on disk every write is a commit). A chunk whose text was embedded before keeps its stored vector:
 *       re-upserting an unchanged document does not call the embedder. Embedding runs before the write, outside the
 *       index's write lock; an embedder failure writes nothing.</li>
 *   <li>The embedder's {@code name()} and {@code dimensions()} are in the index's commit data: opening it with
 *       another embedder, or with {@code bm25}, fails with an {@link IndexUnreadableException}
 *       ({@code INCOMPATIBLE}).</li>
 * </ul>
 *
 * <p>Indexing, commits and closing are those of every Lucene retriever (see {@code LuceneRetriever}); this class adds
 * the vector search. Thread-safe: searches run concurrently with each other and with writes. An embedder passed to the builder stays
 * the caller's (not closed here); one created from the {@code embedder} option is closed with the retriever.
 */
public final class VectorRetriever extends LuceneRetriever {
    /** The provider name. */
    public static final String NAME = "vector";
    /** Indexes of at most this many chunks are searched exactly (see {@code docs/retrieval.md} for the figures). */
    public static final int DEFAULT_EXACT_SEARCH_BELOW = 20_000;
    /** The default number of candidates the HNSW search explores (at least the number of hits asked for). */
    public static final int DEFAULT_EF_SEARCH = 100;

    private final VectorSearch vectors;

    private VectorRetriever(Builder b) {
        super(NAME, b, new BM25Similarity(Bm25Retriever.DEFAULT_K1, Bm25Retriever.DEFAULT_B), 1f, 1f, b.indexer());
        this.vectors = new VectorSearch(b.embedder, b.exactBelow, b.efSearch);
    }

    /** A builder; {@link Builder#embedder(Embedder)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The name of the embedder whose vectors the index holds. */
    public String embedderName() {
        return indexer.embedderName();
    }

    /** The length of the vectors. */
    public int dimensions() {
        return indexer.dimensions();
    }

    @Override
    List<RetrievedChunk> search(IndexSearcher searcher, RetrievalQuery query) throws IOException {
        // embedded under the read lock: never with an embedder that close() has released
        float[] vector = vectors.queryVector(query.text());
        List<RetrievedChunk> hits = vectors.search(searcher, vector, query.filters(), query.topK(), NAME);
        return withPassages(searcher, query.text(), hits);
    }

    @Override
    public String toString() {
        return "VectorRetriever[" + location() + ", embedder=" + embedderName() + " (" + dimensions()
                + " dimensions), chunking=" + chunking() + "]";
    }

    /** Builds a {@link VectorRetriever}. */
    public static final class Builder extends DenseBuilder<Builder> {

        private Builder() {
        }

        /**
         * Opens or creates the index.
         *
         * @throws IllegalStateException when no embedder was given
         * @throws IndexUnreadableException when an on-disk directory is damaged, not a llamakit index, or was built
         *     with another embedder, analysis or field layout, or without vectors
         */
        public VectorRetriever build() {
            return open(NAME, () -> new VectorRetriever(this));
        }
    }
}
