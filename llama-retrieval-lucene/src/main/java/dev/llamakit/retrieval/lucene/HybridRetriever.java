package dev.llamakit.retrieval.lucene;

import dev.llamakit.documents.IndexCommits;
import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.fusion.RankFusion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * The {@code hybrid} retriever: BM25 and dense retrieval over one index (the {@code vector} retriever's: each chunk's
 * BM25 fields and vector in one Lucene document), their rankings merged by a {@link RankFusion}. Each search takes
 * the top {@code max(topK, candidates)} chunks of BM25 and of the vectors, both restricted by the query's metadata
 * filters inside the search and both from the same point-in-time view of the index, and fuses them: reciprocal rank
 * fusion ({@code rrf}) or weighted min-max ({@code minmax}, the default); weights are (bm25, vector). Scores are the
 * fused scores. Hits carry the passage of their chunk that shares most with the query.
 *
 * <p>Indexing, persistence, the embedder check and threading are the {@code vector} retriever's (see
 * {@link VectorRetriever}); the BM25 side is the {@code bm25} retriever's (see {@link Bm25Retriever}), with the same
 * options and defaults.
 */
public final class HybridRetriever implements Retriever, IndexCommits {
    /** The provider name. */
    public static final String NAME = "hybrid";
    /** The default depth of each ranking before fusion. */
    public static final int DEFAULT_CANDIDATES = 100;
    /** The default fusion: weighted min-max with equal weights ({@link RankFusion#defaultFusion()}), chosen on SciFact. */
    public static final RankFusion DEFAULT_FUSION = RankFusion.defaultFusion();

    private final String embedderName;
    private final int dimensions;
    private final boolean highlights;
    private final Chunker chunker;
    private final RankFusion fusion;
    private final int candidates;
    private final Bm25Search keywords;
    private final VectorSearch vectors;
    private final ChunkStore store;

    private HybridRetriever(Builder b) {
        VectorIndexer indexer = new VectorIndexer(b.embedder, b.ownsEmbedder, b.progress);
        this.embedderName = indexer.embedderName();
        this.dimensions = indexer.dimensions();
        this.highlights = b.highlights;
        this.chunker = b.chunker;
        this.fusion = b.fusion;
        this.candidates = b.candidates;
        Bm25Analyzer analyzer = new Bm25Analyzer(b.stemmer, b.stopWords);
        this.keywords = new Bm25Search(analyzer, b.fields, b.titleWeight, b.textWeight);
        this.vectors = new VectorSearch(b.embedder, b.exactBelow, b.efSearch);
        this.store = new ChunkStore(NAME, b.indexDirectory, b.luceneDirectory, analyzer, new BM25Similarity(b.k1, b.b), b.fields,
                chunker, indexer);
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

    public RankFusion fusion() {
        return fusion;
    }

    /** The depth of each ranking before fusion (at least the number of hits asked for). */
    public int candidates() {
        return candidates;
    }

    /** The on-disk index directory, or {@code null} for an in-memory index. */
    public Path indexDirectory() {
        return store.path();
    }

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        int depth = Math.max(query.topK(), candidates);
        return store.read(searcher -> {
            List<RetrievedChunk> bm25 = keywords.search(searcher, query, depth, NAME, false);
            float[] vector = vectors.queryVector(query.text()); // under the read lock, as in VectorRetriever
            List<RetrievedChunk> dense = vectors.search(searcher, vector, query.filters(), depth, NAME);
            List<RetrievedChunk> fused = fusion.fuse(List.of(bm25, dense), query.topK(), NAME);
            if (!highlights || fused.isEmpty()) {
                return fused;
            }
            Bm25Search.Highlighter highlighter = keywords.highlighter(searcher, query.text());
            List<RetrievedChunk> out = new ArrayList<>(fused.size());
            for (RetrievedChunk h : fused) {
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
        return "HybridRetriever[" + (store.path() == null ? "in memory" : store.path().toString()) + ", embedder="
                + embedderName + " (" + dimensions + " dimensions), fusion=" + fusion + ", candidates=" + candidates
                + ", chunking=" + (chunker == null ? "none" : chunker.getClass().getSimpleName()) + "]";
    }

    /** Builds a {@link HybridRetriever}; the BM25 settings default to the {@code bm25} retriever's. */
    public static final class Builder {
        private Embedder embedder;
        private boolean ownsEmbedder;
        private EmbeddingProgress progress = EmbeddingProgress.none();
        private int exactBelow = VectorRetriever.DEFAULT_EXACT_SEARCH_BELOW;
        private int efSearch = VectorRetriever.DEFAULT_EF_SEARCH;
        private RankFusion fusion = DEFAULT_FUSION;
        private int candidates = DEFAULT_CANDIDATES;
        private float k1 = Bm25Retriever.DEFAULT_K1;
        private float b = Bm25Retriever.DEFAULT_B;
        private Bm25Analyzer.Stemmer stemmer = Bm25Analyzer.Stemmer.PORTER;
        private boolean stopWords = true;
        private Bm25Retriever.FieldLayout fields = Bm25Retriever.FieldLayout.FLAT;
        private float titleWeight = 1.0f;
        private float textWeight = 1.0f;
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
         * How the two rankings (bm25 first, vector second) are merged (default {@link #DEFAULT_FUSION}). It must take
         * two rankings: {@code RankFusion.minMax(0.3, 0.7)}, not three weights.
         */
        public Builder fusion(RankFusion fusion) {
            this.fusion = Objects.requireNonNull(fusion, "fusion");
            return this;
        }

        /** The depth of each ranking before fusion, 1 to 10,000 (default 100; at least topK is used). */
        public Builder candidates(int candidates) {
            if (candidates < 1 || candidates > 10_000) {
                throw new IllegalArgumentException("candidates must be between 1 and 10000, got " + candidates);
            }
            this.candidates = candidates;
            return this;
        }

        /** As {@link VectorRetriever.Builder#exactSearchBelow(int)}. */
        public Builder exactSearchBelow(int chunks) {
            this.exactBelow = VectorRetriever.checkExactBelow(chunks);
            return this;
        }

        /** As {@link VectorRetriever.Builder#efSearch(int)}. */
        public Builder efSearch(int candidates) {
            this.efSearch = VectorRetriever.checkEfSearch(candidates);
            return this;
        }

        /** BM25 term-frequency saturation, finite and &ge; 0 (default 0.9). */
        public Builder k1(float k1) {
            this.k1 = Bm25Retriever.Builder.checkK1(k1);
            return this;
        }

        /** BM25 length normalisation, in [0, 1] (default 0.4). */
        public Builder b(float b) {
            this.b = Bm25Retriever.Builder.checkB(b);
            return this;
        }

        public Builder stemmer(Bm25Analyzer.Stemmer stemmer) {
            this.stemmer = Objects.requireNonNull(stemmer, "stemmer");
            return this;
        }

        /** Whether Lucene's English stop words are removed (default true). */
        public Builder removeStopWords(boolean remove) {
            this.stopWords = remove;
            return this;
        }

        public Builder fields(Bm25Retriever.FieldLayout fields) {
            this.fields = Objects.requireNonNull(fields, "fields");
            return this;
        }

        /** The weight of the title field's BM25 score (multifield only; default 1). */
        public Builder titleWeight(float weight) {
            this.titleWeight = Bm25Retriever.Builder.checkWeight("title-weight", weight);
            return this;
        }

        /** The weight of the text field's BM25 score (multifield only; default 1). */
        public Builder textWeight(float weight) {
            this.textWeight = Bm25Retriever.Builder.checkWeight("text-weight", weight);
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

        /** Whether hits carry their best passage (default true). */
        public Builder highlights(boolean highlights) {
            this.highlights = highlights;
            return this;
        }

        /**
         * Opens or creates the index.
         *
         * @throws IllegalStateException when no embedder was given
         * @throws IllegalArgumentException when the fusion does not take two rankings, or field weights are set
         *     with the flat layout
         * @throws IndexUnreadableException when an on-disk directory is damaged, not a llamakit index, or was built
         *     with another embedder, analysis or field layout, or without vectors
         */
        public HybridRetriever build() {
            if (embedder == null) {
                throw new IllegalStateException("a hybrid retriever needs an embedder: builder().embedder(...)");
            }
            try {
                if (fields == Bm25Retriever.FieldLayout.FLAT && (titleWeight != 1.0f || textWeight != 1.0f)) {
                    throw new IllegalArgumentException("title-weight and text-weight apply to fields=multifield only;"
                            + " with fields=flat title and text share one field");
                }
                fusion.fuse(List.of(List.of(), List.of()), 1, NAME); // fails now, not at the first search
                return new HybridRetriever(this);
            } catch (RuntimeException e) {
                if (ownsEmbedder) {
                    VectorRetriever.closeQuietly(embedder, e);
                }
                throw e;
            }
        }
    }
}
