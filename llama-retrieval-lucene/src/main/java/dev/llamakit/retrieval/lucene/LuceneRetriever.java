package dev.llamakit.retrieval.lucene;

import dev.llamakit.documents.IndexCommits;
import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * The one Lucene engine behind {@code bm25}, {@code vector} and {@code hybrid}: a {@link ChunkStore} (indexing,
 * commits, life cycle), the index's keyword analysis and the passages of hits. Each public retriever adds only its
 * search and its settings, as the {@code opensearch} retriever's search modes do.
 */
abstract sealed class LuceneRetriever implements Retriever, IndexCommits
        permits Bm25Retriever, VectorRetriever, HybridRetriever {
    private final String name;
    private final boolean highlights;
    private final Chunker chunker;
    /** The analysis of the index's keyword fields. */
    final Bm25Analyzer analyzer;
    /** The BM25 search, and the passages of every retriever's hits. */
    final Bm25Search keywords;
    /** What embeds chunks, or {@code null} for an index without vectors. */
    final VectorIndexer indexer;
    final ChunkStore store;

    /**
     * Opens or creates the index that {@code b} describes.
     *
     * @param similarity the BM25 similarity keyword searches score with
     * @param titleWeight the weight of the title field's BM25 score (multifield)
     * @param textWeight the weight of the text field's BM25 score (multifield)
     * @param indexer what embeds chunks, or {@code null} for an index without vectors
     */
    LuceneRetriever(String name, BaseBuilder<?> b, BM25Similarity similarity, float titleWeight, float textWeight,
                    VectorIndexer indexer) {
        this.name = name;
        this.highlights = b.highlights;
        this.chunker = b.chunker;
        this.indexer = indexer;
        this.analyzer = new Bm25Analyzer(b.stemmer, b.stopWords);
        this.keywords = new Bm25Search(analyzer, b.fields, titleWeight, textWeight);
        this.store = new ChunkStore(name, b.indexDirectory, b.luceneDirectory, analyzer, similarity, b.fields,
                chunker, indexer);
    }

    @Override
    public final String name() {
        return name;
    }

    /** The on-disk index directory, or {@code null} for an in-memory index. */
    public final Path indexDirectory() {
        return store.path();
    }

    // ------------------------------------------------------------------------------------------------ searching

    @Override
    public final List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        return store.read(searcher -> search(searcher, query));
    }

    /** The hits of a query, best first, with their passages when {@link #highlights()}; under the store's read lock. */
    abstract List<RetrievedChunk> search(IndexSearcher searcher, RetrievalQuery query) throws IOException;

    /** Whether hits carry their best passage. */
    final boolean highlights() {
        return highlights;
    }

    /** The hits, each with the passage of its chunk that shares most with the query (when {@link #highlights()}). */
    final List<RetrievedChunk> withPassages(IndexSearcher searcher, String query, List<RetrievedChunk> hits)
            throws IOException {
        if (!highlights || hits.isEmpty()) {
            return hits;
        }
        Bm25Search.Highlighter highlighter = keywords.highlighter(searcher, query);
        List<RetrievedChunk> out = new ArrayList<>(hits.size());
        for (RetrievedChunk h : hits) {
            out.add(new RetrievedChunk(h.chunk(), h.score(), h.rank(), name, highlighter.best(h.chunk())));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------- indexing

    @Override
    public final void upsert(Collection<Document> documents) {
        store.upsert(documents);
    }

    @Override
    public final void delete(Collection<String> documentIds) {
        store.delete(documentIds);
    }

    // -------------------------------------------------------------------------------------------- bookkeeping

    /** The number of indexed documents (not chunks). */
    @Override
    public final long count() {
        return store.count();
    }

    /** Whether writes reach disk (an on-disk index). */
    @Override
    public final boolean durable() {
        return store.commits().durable();
    }

    @Override
    public final String committedValue(String key) {
        return store.commits().committedValue(key);
    }

    @Override
    public final void deferCommits(boolean defer) {
        store.commits().deferCommits(defer);
    }

    @Override
    public final void commit(Map<String, String> values) {
        store.commits().commit(values);
    }

    /**
     * Commits (on disk) and closes the index, waiting for running searches and writes, and closes the embedder if it
     * was created by name. Idempotent.
     */
    @Override
    public final void close() {
        store.close();
    }

    /** For {@code toString()}: the folder or "in memory". */
    final String location() {
        return store.path() == null ? "in memory" : store.path().toString();
    }

    /** For {@code toString()}: the chunker's class or "none". */
    final String chunking() {
        return chunker == null ? "none" : chunker.getClass().getSimpleName();
    }

    /**
     * The settings of the index every Lucene retriever shares: its keyword analysis and field layout (so that one
     * folder serves {@code bm25}, {@code vector} and {@code hybrid}), its folder, chunking and highlights.
     *
     * @param <B> the public builder
     */
    abstract static class BaseBuilder<B extends BaseBuilder<B>> {
        private Bm25Analyzer.Stemmer stemmer = Bm25Analyzer.Stemmer.PORTER;
        private boolean stopWords = true;
        Bm25Retriever.FieldLayout fields = Bm25Retriever.FieldLayout.FLAT;
        private Path indexDirectory;
        private org.apache.lucene.store.Directory luceneDirectory;
        private Chunker chunker;
        private boolean highlights = true;

        BaseBuilder() {
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /** The stemmer of the index's keyword fields (default porter). */
        public B stemmer(Bm25Analyzer.Stemmer stemmer) {
            this.stemmer = Objects.requireNonNull(stemmer, "stemmer");
            return self();
        }

        /** Whether the index's keyword fields drop Lucene's English stop words (default true). */
        public B removeStopWords(boolean remove) {
            this.stopWords = remove;
            return self();
        }

        /** The layout of the index's keyword fields (default flat). */
        public B fields(Bm25Retriever.FieldLayout fields) {
            this.fields = Objects.requireNonNull(fields, "fields");
            return self();
        }

        /** Keep the index in this directory (created when missing); default: in memory. */
        public B indexDirectory(Path directory) {
            this.indexDirectory = Objects.requireNonNull(directory, "directory");
            return self();
        }

        /** Tests: keep the index in {@code directory} (simulated crashes, failures), named {@code name} in messages. */
        B luceneDirectory(Path name, org.apache.lucene.store.Directory directory) {
            this.indexDirectory = Objects.requireNonNull(name, "name");
            this.luceneDirectory = Objects.requireNonNull(directory, "directory");
            return self();
        }

        /** Split documents into chunks with this chunker; default: one chunk per document. */
        public B chunker(Chunker chunker) {
            this.chunker = Objects.requireNonNull(chunker, "chunker");
            return self();
        }

        /** Whether hits carry their best passage (the sentence sharing most with the query; default true). */
        public B highlights(boolean highlights) {
            this.highlights = highlights;
            return self();
        }
    }

    /**
     * The settings of a retriever with vectors ({@code vector}, {@code hybrid}): the embedder and the vector search.
     *
     * @param <B> the public builder
     */
    abstract static class DenseBuilder<B extends DenseBuilder<B>> extends BaseBuilder<B> {
        Embedder embedder;
        private boolean ownsEmbedder;
        private EmbeddingProgress progress = EmbeddingProgress.none();
        int exactBelow = VectorRetriever.DEFAULT_EXACT_SEARCH_BELOW;
        int efSearch = VectorRetriever.DEFAULT_EF_SEARCH;

        DenseBuilder() {
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /** The embedder (required). It stays yours: closing the retriever does not close it. */
        public B embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            this.ownsEmbedder = false;
            return self();
        }

        /** An embedder the retriever closes when it is closed (one created for it by name). */
        B ownedEmbedder(Embedder embedder) {
            embedder(embedder);
            this.ownsEmbedder = true;
            return self();
        }

        /** Told after each batch of chunks is embedded (default: nobody). */
        public B progress(EmbeddingProgress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return self();
        }

        /**
         * Search exactly (every vector compared) while the index holds at most this many chunks; above, search the
         * HNSW graph (default {@value VectorRetriever#DEFAULT_EXACT_SEARCH_BELOW}; 0 always uses the graph).
         */
        public B exactSearchBelow(int chunks) {
            if (chunks < 0) {
                throw new IllegalArgumentException("exact-below must be at least 0, got " + chunks);
            }
            this.exactBelow = chunks;
            return self();
        }

        /** How many candidates an HNSW search explores, at least the number of hits asked for (default 100). */
        public B efSearch(int candidates) {
            if (candidates < 1 || candidates > 10_000) {
                throw new IllegalArgumentException("ef-search must be between 1 and 10000, got " + candidates);
            }
            this.efSearch = candidates;
            return self();
        }

        /** What embeds the chunks: the embedder, with whether the retriever closes it. */
        VectorIndexer indexer() {
            return new VectorIndexer(embedder, ownsEmbedder, progress);
        }

        /**
         * Opens the retriever, or fails without an embedder; an embedder created by name is closed when opening
         * fails.
         */
        <R> R open(String retriever, Supplier<R> open) {
            if (embedder == null) {
                throw new IllegalStateException("a " + retriever + " retriever needs an embedder: builder().embedder(...)");
            }
            try {
                return open.get();
            } catch (RuntimeException e) {
                if (ownsEmbedder) {
                    try {
                        embedder.close();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }
    }
}
