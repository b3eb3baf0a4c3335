package dev.llamakit.retrieval.lucene;

import dev.llamakit.documents.IndexCommits;
import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
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
 * <p>Thread-safe: searches run concurrently with each other and with writes. An embedder passed to the builder stays
 * the caller's (not closed here); one created from the {@code embedder} option is closed with the retriever.
 */
public final class VectorRetriever implements Retriever, IndexCommits {
    /** The provider name. */
    public static final String NAME = "vector";
    /** Indexes of at most this many chunks are searched exactly (see {@code docs/retrieval.md} for the figures). */
    public static final int DEFAULT_EXACT_SEARCH_BELOW = 20_000;
    /** The default number of candidates the HNSW search explores (at least the number of hits asked for). */
    public static final int DEFAULT_EF_SEARCH = 100;

    private final String embedderName;
    private final int dimensions;
    private final boolean highlights;
    private final Chunker chunker;
    private final Bm25Search keywords;
    private final VectorSearch vectors;
    private final ChunkStore store;

    private VectorRetriever(Builder b) {
        VectorIndexer indexer = new VectorIndexer(b.embedder, b.ownsEmbedder, b.progress);
        this.embedderName = indexer.embedderName();
        this.dimensions = indexer.dimensions();
        this.highlights = b.highlights;
        this.chunker = b.chunker;
        Bm25Analyzer analyzer = new Bm25Analyzer(b.stemmer, b.stopWords);
        this.keywords = new Bm25Search(analyzer, b.fields, 1f, 1f);
        this.vectors = new VectorSearch(b.embedder, b.exactBelow, b.efSearch);
        this.store = new ChunkStore(NAME, b.indexDirectory, b.luceneDirectory, analyzer,
                new BM25Similarity(Bm25Retriever.DEFAULT_K1, Bm25Retriever.DEFAULT_B), b.fields, chunker, indexer);
    }

    /** A builder; {@link Builder#embedder(Embedder)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The name of the embedder whose vectors the index holds. */
    public String embedderName() {
        return embedderName;
    }

    /** The length of the vectors. */
    public int dimensions() {
        return dimensions;
    }

    /** The on-disk index directory, or {@code null} for an in-memory index. */
    public Path indexDirectory() {
        return store.path();
    }

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        return store.read(searcher -> {
            // embedded under the read lock: never with an embedder that close() has released
            float[] vector = vectors.queryVector(query.text());
            List<RetrievedChunk> hits = vectors.search(searcher, vector, query.filters(), query.topK(), NAME);
            if (!highlights || hits.isEmpty()) {
                return hits;
            }
            Bm25Search.Highlighter highlighter = keywords.highlighter(searcher, query.text());
            List<RetrievedChunk> out = new ArrayList<>(hits.size());
            for (RetrievedChunk h : hits) {
                out.add(new RetrievedChunk(h.chunk(), h.score(), h.rank(), NAME, highlighter.best(h.chunk())));
            }
            return out;
        });
    }

    @Override
    public void upsert(Collection<Document> documents) {
        store.upsert(documents);
    }

    @Override
    public void delete(Collection<String> documentIds) {
        store.delete(documentIds);
    }

    @Override
    public long count() {
        return store.count();
    }

    /** Whether writes reach disk (an on-disk index). */
    @Override
    public boolean durable() {
        return store.commits().durable();
    }

    @Override
    public String committedValue(String key) {
        return store.commits().committedValue(key);
    }

    @Override
    public void deferCommits(boolean defer) {
        store.commits().deferCommits(defer);
    }

    @Override
    public void commit(java.util.Map<String, String> values) {
        store.commits().commit(values);
    }

    /** Commits (on disk) and closes the index, and the embedder if it was created by name. Idempotent. */
    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "VectorRetriever[" + (store.path() == null ? "in memory" : store.path().toString()) + ", embedder="
                + embedderName + " (" + dimensions + " dimensions), chunking="
                + (chunker == null ? "none" : chunker.getClass().getSimpleName()) + "]";
    }

    /** Builds a {@link VectorRetriever}. */
    public static final class Builder {
        private Embedder embedder;
        private boolean ownsEmbedder;
        private EmbeddingProgress progress = EmbeddingProgress.none();
        private int exactBelow = DEFAULT_EXACT_SEARCH_BELOW;
        private int efSearch = DEFAULT_EF_SEARCH;
        private Bm25Analyzer.Stemmer stemmer = Bm25Analyzer.Stemmer.PORTER;
        private boolean stopWords = true;
        private Bm25Retriever.FieldLayout fields = Bm25Retriever.FieldLayout.FLAT;
        private Path indexDirectory;
        private org.apache.lucene.store.Directory luceneDirectory;
        private Chunker chunker;
        private boolean highlights = true;

        private Builder() {
        }

        /** The embedder (required). It stays yours: closing the retriever does not close it. */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            this.ownsEmbedder = false;
            return this;
        }

        /** An embedder the retriever closes when it is closed (one created for it by name). */
        Builder ownedEmbedder(Embedder embedder) {
            embedder(embedder);
            this.ownsEmbedder = true;
            return this;
        }

        /** Told after each batch of chunks is embedded (default: nobody). */
        public Builder progress(EmbeddingProgress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Search exactly (every vector compared) while the index holds at most this many chunks; above, search the
         * HNSW graph (default {@value #DEFAULT_EXACT_SEARCH_BELOW}; 0 always uses the graph).
         */
        public Builder exactSearchBelow(int chunks) {
            this.exactBelow = checkExactBelow(chunks);
            return this;
        }

        /** How many candidates an HNSW search explores, at least the number of hits asked for (default 100). */
        public Builder efSearch(int candidates) {
            this.efSearch = checkEfSearch(candidates);
            return this;
        }

        /** The stemmer of the index's keyword fields (kept so that {@code hybrid} can open the same index). */
        public Builder stemmer(Bm25Analyzer.Stemmer stemmer) {
            this.stemmer = Objects.requireNonNull(stemmer, "stemmer");
            return this;
        }

        /** Whether the index's keyword fields drop English stop words (default true). */
        public Builder removeStopWords(boolean remove) {
            this.stopWords = remove;
            return this;
        }

        /** The layout of the index's keyword fields (default flat). */
        public Builder fields(Bm25Retriever.FieldLayout fields) {
            this.fields = Objects.requireNonNull(fields, "fields");
            return this;
        }

        /** Keep the index in this directory (created when missing); default: in memory. */
        public Builder indexDirectory(Path directory) {
            this.indexDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Tests: keep the index in {@code directory} (simulated crashes, failures), named {@code name} in messages. */
        Builder luceneDirectory(Path name, org.apache.lucene.store.Directory directory) {
            this.indexDirectory = Objects.requireNonNull(name, "name");
            this.luceneDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Split documents into chunks with this chunker; default: one chunk per document. */
        public Builder chunker(Chunker chunker) {
            this.chunker = Objects.requireNonNull(chunker, "chunker");
            return this;
        }

        /** Whether hits carry their best passage (the sentence sharing most with the query; default true). */
        public Builder highlights(boolean highlights) {
            this.highlights = highlights;
            return this;
        }

        /**
         * Opens or creates the index.
         *
         * @throws IllegalStateException when no embedder was given
         * @throws IndexUnreadableException when an on-disk directory is damaged, not a llamakit index, or was built
         *     with another embedder, analysis or field layout, or without vectors
         */
        public VectorRetriever build() {
            if (embedder == null) {
                throw new IllegalStateException("a vector retriever needs an embedder: builder().embedder(...)");
            }
            try {
                return new VectorRetriever(this);
            } catch (RuntimeException e) {
                if (ownsEmbedder) {
                    closeQuietly(embedder, e);
                }
                throw e;
            }
        }
    }

    static int checkExactBelow(int chunks) {
        if (chunks < 0) {
            throw new IllegalArgumentException("exact-below must be at least 0, got " + chunks);
        }
        return chunks;
    }

    static int checkEfSearch(int candidates) {
        if (candidates < 1 || candidates > 10_000) {
            throw new IllegalArgumentException("ef-search must be between 1 and 10000, got " + candidates);
        }
        return candidates;
    }

    static void closeQuietly(Embedder embedder, RuntimeException failure) {
        try {
            embedder.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
