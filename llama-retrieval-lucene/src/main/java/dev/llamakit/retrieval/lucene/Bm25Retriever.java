package dev.llamakit.retrieval.lucene;

import dev.llamakit.client.LlamaException;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
public final class Bm25Retriever implements Retriever {
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

    static final String CHUNK_ID = "_id";
    static final String DOC_ID = "_doc";
    static final String FIRST_CHUNK = "_first";
    static final String CHUNK_INDEX = "_index";
    static final String STORED_TITLE = "_title";
    static final String STORED_TEXT = "_text";
    static final String START = "_start";
    static final String END = "_end";
    /** Metadata key {@code k} is stored and indexed (as an exact string) in field {@code meta.k}. */
    static final String META_PREFIX = "meta.";

    private static final int MAX_TERM_BYTES = IndexWriter.MAX_TERM_LENGTH;
    private static final Logger log = LoggerFactory.getLogger(Bm25Retriever.class);

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
    private final LuceneIndex index;
    private final PassageFinder passages;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private Bm25Retriever(Builder b) {
        this.k1 = b.k1;
        this.b = b.b;
        this.fields = b.fields;
        this.titleWeight = b.titleWeight;
        this.textWeight = b.textWeight;
        this.chunker = b.chunker;
        this.highlights = b.highlights;
        this.analyzer = new Bm25Analyzer(b.stemmer, b.stopWords);
        Map<String, String> marker = Map.of(
                LuceneIndex.SCHEMA_KEY, LuceneIndex.SCHEMA_VERSION,
                LuceneIndex.ANALYZER_KEY, analyzer.describe(),
                LuceneIndex.FIELDS_KEY, fields.optionValue());
        this.index = LuceneIndex.open(b.indexDirectory, analyzer, new BM25Similarity(k1, this.b), marker);
        this.passages = new PassageFinder(analyzer, CONTENTS_FIELD);
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
        return index.path();
    }

    // ------------------------------------------------------------------------------------------------ searching

    @Override
    public List<RetrievedChunk> retrieve(RetrievalQuery query) {
        Objects.requireNonNull(query, "query");
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            Map<String, Integer> terms = queryTerms(query.text(), query.filters());
            if (terms.isEmpty()) {
                return List.of();
            }
            Query luceneQuery = withFilters(scoringQuery(terms), query.filters());
            IndexSearcher searcher = index.acquire();
            try {
                TopDocs top = searcher.search(luceneQuery, query.topK());
                StoredFields stored = searcher.storedFields();
                Map<String, Float> weights = highlights ? passageWeights(searcher, terms) : null;
                List<RetrievedChunk> hits = new ArrayList<>(top.scoreDocs.length);
                int rank = 0;
                for (ScoreDoc hit : top.scoreDocs) {
                    Chunk chunk = toChunk(stored.document(hit.doc));
                    String highlight = weights == null ? null : passages.best(chunk.text(), weights);
                    hits.add(new RetrievedChunk(chunk, hit.score, ++rank, NAME, highlight));
                }
                return hits;
            } finally {
                index.release(searcher);
            }
        } catch (IOException e) {
            throw new LlamaException("bm25 search failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The Lucene query a text becomes (without filters), or {@code null} when no term is left after analysis. For
     * inspection and benchmarks: this is exactly what {@link #retrieve} runs.
     */
    public Query toLuceneQuery(String text) {
        Map<String, Integer> terms = queryTerms(text, Map.of());
        return terms.isEmpty() ? null : scoringQuery(terms);
    }

    /** Distinct analyzed terms of the query with their counts, in order of first occurrence. */
    private Map<String, Integer> queryTerms(String text, Map<String, Set<String>> filters) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String term : analyzer.terms(CONTENTS_FIELD, text)) {
            counts.merge(term, 1, Integer::sum);
        }
        int filterClauses = filters.size() + 1;
        int fieldCount = fields == FieldLayout.FLAT ? 1 : 2;
        int limit = Math.max(1, (IndexSearcher.getMaxClauseCount() - filterClauses) / fieldCount - 1);
        if (counts.size() <= limit) {
            return counts;
        }
        // A very long query (a whole document pasted in): keep the most repeated terms, earliest first on ties.
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(entries);
        sorted.sort((x, y) -> Integer.compare(y.getValue(), x.getValue())); // stable
        Set<String> kept = new HashSet<>();
        for (Map.Entry<String, Integer> e : sorted.subList(0, limit)) {
            kept.add(e.getKey());
        }
        Map<String, Integer> truncated = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : entries) {
            if (kept.contains(e.getKey())) {
                truncated.put(e.getKey(), e.getValue());
            }
        }
        log.debug("bm25 query has {} distinct terms; kept the {} most frequent", counts.size(), limit);
        return truncated;
    }

    private Query scoringQuery(Map<String, Integer> terms) {
        if (fields == FieldLayout.FLAT) {
            return bagOfWords(CONTENTS_FIELD, terms);
        }
        return new BooleanQuery.Builder()
                .add(new BoostQuery(bagOfWords(CONTENTS_FIELD, terms), textWeight), BooleanClause.Occur.SHOULD)
                .add(new BoostQuery(bagOfWords(TITLE_FIELD, terms), titleWeight), BooleanClause.Occur.SHOULD)
                .build();
    }

    /** Anserini's {@code BagOfWordsQueryGenerator}: a SHOULD term query per distinct term, boosted by its count. */
    private static Query bagOfWords(String field, Map<String, Integer> terms) {
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        terms.forEach((term, count) -> builder.add(
                new BoostQuery(new TermQuery(new Term(field, term)), count.floatValue()), BooleanClause.Occur.SHOULD));
        return builder.build();
    }

    private static Query withFilters(Query scoring, Map<String, Set<String>> filters) {
        if (filters.isEmpty()) {
            return scoring;
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder().add(scoring, BooleanClause.Occur.MUST);
        new TreeMap<>(filters).forEach((key, values) -> {
            if (values.size() == 1) {
                builder.add(new TermQuery(new Term(META_PREFIX + key, values.iterator().next())),
                        BooleanClause.Occur.FILTER);
            } else {
                // one constant-score clause however many values: no clause-count limit
                builder.add(new TermInSetQuery(META_PREFIX + key, values.stream().sorted().map(BytesRef::new)
                        .toList()), BooleanClause.Occur.FILTER);
            }
        });
        return builder.build();
    }

    /** Each query term's weight for picking passages: its BM25 idf in the text field times its count in the query. */
    private static Map<String, Float> passageWeights(IndexSearcher searcher, Map<String, Integer> terms)
            throws IOException {
        long n = Math.max(1, searcher.getIndexReader().numDocs());
        Map<String, Float> weights = new HashMap<>();
        for (Map.Entry<String, Integer> e : terms.entrySet()) {
            int df = searcher.getIndexReader().docFreq(new Term(CONTENTS_FIELD, e.getKey()));
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            weights.put(e.getKey(), (float) (idf * e.getValue()));
        }
        return weights;
    }

    private static Chunk toChunk(org.apache.lucene.document.Document doc) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (IndexableField f : doc) {
            if (f.name().startsWith(META_PREFIX)) {
                metadata.put(f.name().substring(META_PREFIX.length()), f.stringValue());
            }
        }
        return new Chunk(doc.get(CHUNK_ID), doc.get(DOC_ID), doc.getField(CHUNK_INDEX).numericValue().intValue(),
                doc.get(STORED_TITLE), doc.get(STORED_TEXT), doc.getField(START).numericValue().intValue(),
                doc.getField(END).numericValue().intValue(), metadata);
    }

    // ------------------------------------------------------------------------------------------------- indexing

    @Override
    public void upsert(Collection<Document> documents) {
        Objects.requireNonNull(documents, "documents");
        // Chunk and build the Lucene documents before taking the write lock: a failing chunker changes nothing.
        Map<String, List<List<IndexableField>>> prepared = new LinkedHashMap<>();
        for (Document document : documents) {
            Objects.requireNonNull(document, "document");
            prepared.remove(document.id()); // the last copy of a repeated id wins, in its position
            prepared.put(document.id(), toLuceneDocuments(document));
        }
        write(() -> {
            for (Map.Entry<String, List<List<IndexableField>>> e : prepared.entrySet()) {
                index.writer().updateDocuments(new Term(DOC_ID, e.getKey()), e.getValue());
            }
        }, prepared.isEmpty());
    }

    @Override
    public void delete(Collection<String> documentIds) {
        Objects.requireNonNull(documentIds, "documentIds");
        Term[] terms = documentIds.stream().map(id -> new Term(DOC_ID, Objects.requireNonNull(id, "document id")))
                .toArray(Term[]::new);
        write(() -> index.writer().deleteDocuments(terms), terms.length == 0);
    }

    private interface WriteAction {
        void run() throws IOException;
    }

    private void write(WriteAction action, boolean nothingToDo) {
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            if (nothingToDo) {
                return;
            }
            index.writeLock().lock();
            try {
                action.run();
                index.afterWrite();
            } finally {
                index.writeLock().unlock();
            }
        } catch (IOException e) {
            throw new LlamaException("bm25 index write failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    private List<List<IndexableField>> toLuceneDocuments(Document document) {
        List<Chunk> chunks = chunker == null ? List.of(Chunk.whole(document)) : chunker.chunk(document);
        if (chunks.isEmpty()) {
            chunks = List.of(Chunk.whole(document)); // e.g. a title-only document: still findable and counted
        }
        List<List<IndexableField>> docs = new ArrayList<>(chunks.size());
        Set<String> ids = new HashSet<>();
        for (Chunk chunk : chunks) {
            if (!chunk.documentId().equals(document.id())) {
                throw new IllegalStateException("the chunker returned a chunk of document '" + chunk.documentId()
                        + "' for document '" + document.id() + "'");
            }
            if (!ids.add(chunk.id())) {
                throw new IllegalStateException("the chunker returned chunk id '" + chunk.id() + "' twice");
            }
            checkTermLength(chunk.id(), "chunk id", document.id());
            chunk.metadata().forEach((k, v) -> checkTermLength(v, "the value of metadata '" + k + "'", document.id()));
            List<IndexableField> fieldsOfChunk = new ArrayList<>();
            fieldsOfChunk.add(new StringField(CHUNK_ID, chunk.id(), Field.Store.YES));
            fieldsOfChunk.add(new StringField(DOC_ID, document.id(), Field.Store.YES));
            if (docs.isEmpty()) {
                fieldsOfChunk.add(new StringField(FIRST_CHUNK, "1", Field.Store.NO));
            }
            fieldsOfChunk.add(new StoredField(CHUNK_INDEX, chunk.index()));
            fieldsOfChunk.add(new StoredField(STORED_TITLE, chunk.title()));
            fieldsOfChunk.add(new StoredField(STORED_TEXT, chunk.text()));
            fieldsOfChunk.add(new StoredField(START, chunk.start()));
            fieldsOfChunk.add(new StoredField(END, chunk.end()));
            new TreeMap<>(chunk.metadata()).forEach((k, v) ->
                    fieldsOfChunk.add(new StringField(META_PREFIX + k, v, Field.Store.YES)));
            if (fields == FieldLayout.FLAT) {
                fieldsOfChunk.add(new TextField(CONTENTS_FIELD, chunk.title() + "\n" + chunk.text(), Field.Store.NO));
            } else {
                fieldsOfChunk.add(new TextField(CONTENTS_FIELD, chunk.text(), Field.Store.NO));
                fieldsOfChunk.add(new TextField(TITLE_FIELD, chunk.title(), Field.Store.NO));
            }
            docs.add(fieldsOfChunk);
        }
        return docs;
    }

    /** Ids and metadata values are indexed as single terms, which Lucene caps at 32,766 UTF-8 bytes. */
    private static void checkTermLength(String value, String what, String documentId) {
        if (value.length() > MAX_TERM_BYTES / 3 && value.getBytes(StandardCharsets.UTF_8).length > MAX_TERM_BYTES) {
            throw new IllegalArgumentException(what + " of document '" + abbreviate(documentId) + "' is longer than "
                    + MAX_TERM_BYTES + " UTF-8 bytes, the most an exact-match field can hold");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    // -------------------------------------------------------------------------------------------- bookkeeping

    /** The number of indexed documents (not chunks). */
    @Override
    public long count() {
        return read(searcher -> (long) searcher.count(new TermQuery(new Term(FIRST_CHUNK, "1"))));
    }

    /**
     * Sizes of the index. {@code totalTerms} is the number of term occurrences (token positions after analysis) in
     * the {@code contents} field, {@code Terms.getSumTotalTermFreq()}, which is what Anserini reports as "total
     * terms"; {@code uniqueTerms} is the number of distinct terms in that field. Deleted or replaced documents count
     * until their segments are merged.
     */
    public IndexStats stats() {
        return read(searcher -> {
            Terms contents = MultiTerms.getTerms(searcher.getIndexReader(), CONTENTS_FIELD);
            Terms title = MultiTerms.getTerms(searcher.getIndexReader(), TITLE_FIELD);
            long unique = 0;
            if (contents != null) {
                TermsEnum it = contents.iterator();
                while (it.next() != null) {
                    unique++;
                }
            }
            long documents = searcher.count(new TermQuery(new Term(FIRST_CHUNK, "1")));
            return new IndexStats(documents, searcher.getIndexReader().numDocs(),
                    contents == null ? 0 : contents.getSumTotalTermFreq(), unique,
                    title == null ? 0 : title.getSumTotalTermFreq());
        });
    }

    private interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T read(SearcherFunction<T> function) {
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            IndexSearcher searcher = index.acquire();
            try {
                return function.apply(searcher);
            } finally {
                index.release(searcher);
            }
        } catch (IOException e) {
            throw new LlamaException("bm25 index read failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this bm25 retriever is closed");
        }
    }

    /** Commits (on disk) and closes the index; waits for running searches and writes. Idempotent. */
    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            index.close();
        } catch (IOException e) {
            throw new LlamaException("closing the bm25 index failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Bm25Retriever[" + (index.path() == null ? "in memory" : index.path().toString()) + ", k1=" + k1
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
        private Chunker chunker;
        private boolean highlights = true;

        private Builder() {
        }

        /** BM25 term-frequency saturation, finite and &ge; 0 (default 0.9). */
        public Builder k1(float k1) {
            if (!Float.isFinite(k1) || k1 < 0) {
                throw new IllegalArgumentException("k1 must be a finite number >= 0, got " + k1);
            }
            this.k1 = k1;
            return this;
        }

        /** BM25 length normalisation, in [0, 1] (default 0.4). */
        public Builder b(float b) {
            if (!(b >= 0 && b <= 1)) {
                throw new IllegalArgumentException("b must be between 0 and 1, got " + b);
            }
            this.b = b;
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

        private static float checkWeight(String name, float weight) {
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
