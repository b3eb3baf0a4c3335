package dev.llamakit.retrieval.lucene;

import dev.llamakit.documents.IndexCommits;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * The {@code bm25} retriever: Lucene's {@link BM25Similarity} over an in-memory or on-disk Lucene index, set up as
 * Anserini sets up its BEIR baselines so that their figures are reproduced exactly (see {@code docs/retrieval.md}).
 *
 * <ul>
 *   <li>Analysis: {@link Bm25Analyzer} (standard tokenizer, English possessives, lower case, Lucene's 33 English
 *       stop words, Porter stemming) for documents and queries.</li>
 *   <li>Scoring: BM25 with k1 = 0.9, b = 0.4 by default.</li>
 *   <li>Fields: {@link FieldLayout#FLAT} indexes {@code title + "\n" + text} in one field, {@code contents};
 *       {@link FieldLayout#MULTIFIELD} indexes the text in {@code contents} and the title in {@code title}, and sums
 *       the weighted scores of both.</li>
 *   <li>Queries: the user's text is analyzed with the same analyzer and each distinct term becomes a SHOULD
 *       {@link TermQuery} boosted by how often it occurs in the query (Anserini's bag-of-words query). There is no
 *       query parser: {@code "+-!():^[]{}~*?\/} are plain text. A query left with no terms (only stop words or
 *       punctuation) finds nothing. Metadata filters are FILTER clauses of the same Lucene query.</li>
 *   <li>Index: one Lucene document per chunk; an upsert replaces all chunks of a document atomically
 *       ({@code IndexWriter.updateDocuments} by document id); a single writer, serialised writes, and a
 *       {@code SearcherManager} refreshed after every write so that changes are visible on return. On disk every
 *       upsert and delete is an atomic Lucene commit.</li>
 *   <li>Highlights: the best sentence of each hit's text for the query, as plain text: the sentence whose analysed
 *       terms carry the most query weight (idf × count in the query, saturated per sentence).</li>
 * </ul>
 *
 * <p>Thread-safe: searches run concurrently with each other and with writes.
 */
public final class Bm25Retriever implements Retriever, IndexCommits {
    /** The provider name. */
    public static final String NAME = "bm25";
    /** Anserini's default k1. */
    public static final float DEFAULT_K1 = 0.9f;
    /** Anserini's default b. */
    public static final float DEFAULT_B = 0.4f;

    /** The searchable field: title + "\n" + text (flat) or the text (multifield). */
    public static final String CONTENTS_FIELD = "contents";
    /** The searchable title field (multifield only). */
    public static final String TITLE_FIELD = "title";

    /** How title and text are indexed. */
    public enum FieldLayout {
        /** One field holding {@code title + "\n" + text} (Anserini's {@code BeirFlatCollection}; the default). */
        FLAT,
        /** The text and the title in separate fields, scored separately and summed with their weights. */
        MULTIFIELD;

        /** The option value: {@code flat} or {@code multifield}. */
        public String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static FieldLayout parse(String value) {
            for (FieldLayout f : values()) {
                if (f.optionValue().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("option 'fields' must be flat or multifield, got '" + value + "'");
        }
    }

    /** Sizes of the index; term counts are over the {@code contents} field. */
    public record IndexStats(long documents, long chunks, long totalTerms, long uniqueTerms, long titleTotalTerms) {
    }

    private final float k1;
    private final float b;
    private final FieldLayout fields;
    private final float titleWeight;
    private final float textWeight;
    private final Chunker chunker;
    private final boolean highlights;
    private final Bm25Analyzer analyzer;
    private final Bm25Search search;
    private final ChunkStore store;

    private Bm25Retriever(Builder b) {
        this.k1 = b.k1;
        this.b = b.b;
        this.fields = b.fields;
        this.titleWeight = b.titleWeight;
        this.textWeight = b.textWeight;
        this.chunker = b.chunker;
        this.highlights = b.highlights;
        this.analyzer = new Bm25Analyzer(b.stemmer, b.stopWords);
        this.search = new Bm25Search(analyzer, fields, titleWeight, textWeight);
        this.store = new ChunkStore(NAME, b.indexDirectory, b.luceneDirectory, analyzer, new BM25Similarity(k1, this.b), fields, chunker,
                null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An in-memory retriever with Anserini's defaults. */
    public static Bm25Retriever inMemory() {
        return builder().build();
    }

    @Override
    public String name() {
        return NAME;
    }

    public float k1() {
        return k1;
    }

    public float b() {
        return b;
    }

    public FieldLayout fields() {
        return fields;
    }

    public Bm25Analyzer analyzer() {
        return analyzer;
    }

    /** The on-disk index directory, or {@code null} for an in-memory index. */
    public Path indexDirectory() {
        return store.path();
    }

    // ------------------------------------------------------------------------------------------------ searching

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        return store.read(searcher -> search.search(searcher, query, query.topK(), NAME, highlights));
    }

    /**
     * The Lucene query a text becomes (without filters), or {@code null} when no term is left after analysis. For
     * inspection and benchmarks: this is exactly what {@link #retrieve} runs.
     */
    public Query toLuceneQuery(String text) {
        return search.toLuceneQuery(text);
    }

    // ------------------------------------------------------------------------------------------------- indexing

    @Override
    public void upsert(Collection<Document> documents) {
        store.upsert(documents);
    }

    @Override
    public void delete(Collection<String> documentIds) {
        store.delete(documentIds);
    }

    // -------------------------------------------------------------------------------------------- bookkeeping

    /** The number of indexed documents (not chunks). */
    @Override
    public long count() {
        return store.count();
    }

    /**
     * Sizes of the index. {@code totalTerms} is the number of term occurrences (token positions after analysis) in
     * the {@code contents} field, {@code Terms.getSumTotalTermFreq()}, which is what Anserini reports as "total
     * terms"; {@code uniqueTerms} is the number of distinct terms in that field. Deleted or replaced documents count
     * until their segments are merged.
     */
    public IndexStats stats() {
        return store.read(searcher -> {
            Terms contents = MultiTerms.getTerms(searcher.getIndexReader(), CONTENTS_FIELD);
            Terms title = MultiTerms.getTerms(searcher.getIndexReader(), TITLE_FIELD);
            long unique = 0;
            if (contents != null) {
                TermsEnum it = contents.iterator();
                while (it.next() != null) {
                    unique++;
                }
            }
            long documents = searcher.count(ChunkStore.firstChunks());
            return new IndexStats(documents, searcher.getIndexReader().numDocs(),
                    contents == null ? 0 : contents.getSumTotalTermFreq(), unique,
                    title == null ? 0 : title.getSumTotalTermFreq());
        });
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

    /** Commits (on disk) and closes the index; waits for running searches and writes. Idempotent. */
    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "Bm25Retriever[" + (store.path() == null ? "in memory" : store.path().toString()) + ", k1=" + k1
                + ", b=" + b + ", analyzer=" + analyzer.describe() + ", fields=" + fields.optionValue()
                + (fields == FieldLayout.MULTIFIELD ? " (title " + titleWeight + ", text " + textWeight + ")" : "")
                + ", chunking=" + (chunker == null ? "none" : chunker.getClass().getSimpleName()) + "]";
    }

    /** Builds a {@link Bm25Retriever}; every setting defaults to Anserini's BEIR baseline. */
    public static final class Builder {
        private float k1 = DEFAULT_K1;
        private float b = DEFAULT_B;
        private Bm25Analyzer.Stemmer stemmer = Bm25Analyzer.Stemmer.PORTER;
        private boolean stopWords = true;
        private FieldLayout fields = FieldLayout.FLAT;
        private float titleWeight = 1.0f;
        private float textWeight = 1.0f;
        private Path indexDirectory;
        private org.apache.lucene.store.Directory luceneDirectory;
        private Chunker chunker;
        private boolean highlights = true;

        private Builder() {
        }

        /** BM25 term-frequency saturation, finite and &ge; 0 (default 0.9). */
        public Builder k1(float k1) {
            this.k1 = checkK1(k1);
            return this;
        }

        /** {@code k1}, or an error naming it: finite and &ge; 0. Shared with the hybrid builder. */
        static float checkK1(float k1) {
            if (!Float.isFinite(k1) || k1 < 0) {
                throw new IllegalArgumentException("k1 must be a finite number >= 0, got " + k1);
            }
            return k1;
        }

        /** BM25 length normalisation, in [0, 1] (default 0.4). */
        public Builder b(float b) {
            this.b = checkB(b);
            return this;
        }

        /** {@code b}, or an error naming it: in [0, 1]. Shared with the hybrid builder. */
        static float checkB(float b) {
            if (!(b >= 0 && b <= 1)) {
                throw new IllegalArgumentException("b must be between 0 and 1, got " + b);
            }
            return b;
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

        public Builder fields(FieldLayout fields) {
            this.fields = Objects.requireNonNull(fields, "fields");
            return this;
        }

        /** The weight of the title field's score (multifield only; default 1). */
        public Builder titleWeight(float weight) {
            this.titleWeight = checkWeight("title-weight", weight);
            return this;
        }

        /** The weight of the text field's score (multifield only; default 1). */
        public Builder textWeight(float weight) {
            this.textWeight = checkWeight("text-weight", weight);
            return this;
        }

        static float checkWeight(String name, float weight) {
            if (!Float.isFinite(weight) || weight < 0) {
                throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + weight);
            }
            return weight;
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
         * @throws IndexUnreadableException when an on-disk directory is damaged, not a llamakit index, or was built
         *     with another analysis or field layout
         */
        public Bm25Retriever build() {
            if (fields == FieldLayout.FLAT && (titleWeight != 1.0f || textWeight != 1.0f)) {
                throw new IllegalArgumentException("title-weight and text-weight apply to fields=multifield only;"
                        + " with fields=flat title and text share one field");
            }
            return new Bm25Retriever(this);
        }
    }
}
