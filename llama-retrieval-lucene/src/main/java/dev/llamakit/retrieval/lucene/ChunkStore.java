package dev.llamakit.retrieval.lucene;

import dev.llamakit.client.error.LlamaException;
import dev.llamakit.documents.IndexCommits;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.IndexText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;

/**
 * The chunks of one {@link LuceneIndex}, shared by the {@code bm25}, {@code vector} and {@code hybrid} retrievers:
 * turns documents into one Lucene document per chunk (the stored chunk, its metadata terms, the BM25 text fields and,
 * with a {@link VectorIndexer}, the chunk's embedding), replaces and deletes them by document id (hits are read back by {@link StoredChunk}),
 * builds metadata filters, and guards the life cycle: searches and writes run concurrently, writes are
 * serialised, {@link #close()} waits for running calls and every call after it fails.
 */
final class ChunkStore {
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

    private final String owner;
    private final Bm25Retriever.FieldLayout fields;
    private final Chunker chunker;
    private final VectorIndexer vectors;
    private final LuceneIndex index;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /**
     * Opens (or creates) the index.
     *
     * @param owner the retriever's name, for messages
     * @param chunker the chunker, or {@code null} for one chunk per document
     * @param vectors what embeds the chunks, or {@code null} for an index without vectors
     * @param similarity the BM25 similarity searches score with
     */
    ChunkStore(String owner, Path directory, Bm25Analyzer analyzer, BM25Similarity similarity,
               Bm25Retriever.FieldLayout fields, Chunker chunker, VectorIndexer vectors) {
        this(owner, directory, null, analyzer, similarity, fields, chunker, vectors);
    }

    /**
     * @param given a Lucene directory to use instead of opening {@code directory}, which then only names it (tests:
     *     simulated crashes and failures); {@code null} normally
     */
    ChunkStore(String owner, Path directory, Directory given, Bm25Analyzer analyzer, BM25Similarity similarity,
               Bm25Retriever.FieldLayout fields, Chunker chunker, VectorIndexer vectors) {
        this.owner = owner;
        this.fields = fields;
        this.chunker = chunker;
        this.vectors = vectors;
        Map<String, String> marker = new TreeMap<>(Map.of(
                LuceneIndex.SCHEMA_KEY, LuceneIndex.SCHEMA_VERSION,
                LuceneIndex.ANALYZER_KEY, analyzer.describe(),
                LuceneIndex.FIELDS_KEY, fields.optionValue()));
        if (vectors != null) {
            marker.put(LuceneIndex.EMBEDDER_KEY, vectors.embedderName());
            marker.put(LuceneIndex.DIMENSIONS_KEY, Integer.toString(vectors.dimensions()));
        }
        this.index = LuceneIndex.open(directory, given, analyzer, similarity, marker,
                vectors == null ? null : vectors::probe);
    }

    /** The on-disk directory, or {@code null} in memory. */
    Path path() {
        return index.path();
    }

    String owner() {
        return owner;
    }

    // ------------------------------------------------------------------------------------------------- reading

    /** Work done with a searcher. */
    interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /** Runs {@code function} with a current searcher; fails if closed. */
    <T> T read(SearcherFunction<T> function) {
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
            throw new LlamaException(owner + " index read failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    /** The number of indexed documents (not chunks). */
    long count() {
        return read(searcher -> (long) searcher.count(firstChunks()));
    }

    /** Matches the first chunk of every document: counting it counts documents. */
    static Query firstChunks() {
        return new TermQuery(new Term(FIRST_CHUNK, "1"));
    }

    /**
     * The metadata filters as one Lucene query of FILTER clauses (values of a key OR'ed in one constant-score
     * clause, keys AND'ed), or {@code null} when there are none.
     */
    static Query filterQuery(Map<String, Set<String>> filters) {
        if (filters.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        addFilters(builder, filters);
        return builder.build();
    }

    /** {@code scoring} restricted by the filters (FILTER clauses: they do not change scores). */
    static Query withFilters(Query scoring, Map<String, Set<String>> filters) {
        if (filters.isEmpty()) {
            return scoring;
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder().add(scoring, BooleanClause.Occur.MUST);
        addFilters(builder, filters);
        return builder.build();
    }

    private static void addFilters(BooleanQuery.Builder builder, Map<String, Set<String>> filters) {
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
    }

    // ------------------------------------------------------------------------------------------------- writing

    /**
     * Adds or replaces documents (all chunks of each). Chunking, validation and embedding happen before anything is
     * written, so a failure changes nothing; the last copy of a repeated id wins.
     */
    void upsert(Collection<Document> documents) {
        Objects.requireNonNull(documents, "documents");
        Map<String, List<Chunk>> chunked = new LinkedHashMap<>();
        for (Document document : documents) {
            Objects.requireNonNull(document, "document");
            chunked.remove(document.id()); // the last copy of a repeated id wins, in its position
            chunked.put(document.id(), chunks(document));
        }
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            if (chunked.isEmpty()) {
                return;
            }
            // Embedding runs outside the index's write lock: searches and other writes go on meanwhile.
            Map<Chunk, float[]> embedded = vectors == null ? Map.of()
                    : vectors.vectorsFor(chunked.values().stream().flatMap(List::stream).toList(), this);
            Map<String, List<List<IndexableField>>> prepared = new LinkedHashMap<>();
            chunked.forEach((id, chunks) -> prepared.put(id, toLuceneDocuments(chunks, embedded)));
            writeLocked(() -> {
                for (Map.Entry<String, List<List<IndexableField>>> e : prepared.entrySet()) {
                    index.writer().updateDocuments(new Term(DOC_ID, e.getKey()), e.getValue());
                }
            });
        } catch (IOException e) {
            throw writeFailed(e);
        } finally {
            lock.unlock();
        }
    }

    /** Removes the documents with these ids; unknown ids are ignored. */
    void delete(Collection<String> documentIds) {
        Objects.requireNonNull(documentIds, "documentIds");
        Term[] terms = documentIds.stream().map(id -> new Term(DOC_ID, Objects.requireNonNull(id, "document id")))
                .toArray(Term[]::new);
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            ensureOpen();
            if (terms.length > 0) {
                writeLocked(() -> index.writer().deleteDocuments(terms));
            }
        } catch (IOException e) {
            throw writeFailed(e);
        } finally {
            lock.unlock();
        }
    }

    /** A failed write: a read-only or forbidden folder says so, anything else is an I/O failure. */
    private LlamaException writeFailed(IOException e) {
        if (index.path() != null && LuceneIndex.isNotWritable(e)) {
            return new IndexNotWritableException(index.path(), e);
        }
        return new LlamaException(owner + " index write failed: " + e, e);
    }

    private interface WriteAction {
        void run() throws IOException;
    }

    private void writeLocked(WriteAction action) throws IOException {
        index.writeLock().lock();
        try {
            action.run();
            index.afterWrite();
        } finally {
            index.writeLock().unlock();
        }
    }

    private List<Chunk> chunks(Document document) {
        List<Chunk> chunks = chunker == null ? List.of(Chunk.whole(document)) : chunker.chunk(document);
        if (chunks.isEmpty()) {
            chunks = List.of(Chunk.whole(document)); // e.g. a title-only document: still findable and counted
        }
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
        }
        return chunks;
    }

    private List<List<IndexableField>> toLuceneDocuments(List<Chunk> chunks, Map<Chunk, float[]> embedded) {
        List<List<IndexableField>> docs = new ArrayList<>(chunks.size());
        for (Chunk chunk : chunks) {
            List<IndexableField> fieldsOfChunk = new ArrayList<>();
            fieldsOfChunk.add(new StringField(CHUNK_ID, chunk.id(), Field.Store.YES));
            fieldsOfChunk.add(new StringField(DOC_ID, chunk.documentId(), Field.Store.YES));
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
            if (fields == Bm25Retriever.FieldLayout.FLAT) {
                fieldsOfChunk.add(new TextField(Bm25Retriever.CONTENTS_FIELD, IndexText.of(chunk), Field.Store.NO));
            } else {
                fieldsOfChunk.add(new TextField(Bm25Retriever.CONTENTS_FIELD, chunk.text(), Field.Store.NO));
                fieldsOfChunk.add(new TextField(Bm25Retriever.TITLE_FIELD, chunk.title(), Field.Store.NO));
            }
            if (vectors != null) {
                vectors.addFields(chunk, embedded.get(chunk), fieldsOfChunk);
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

    // -------------------------------------------------------------------------------------------------- commits

    /** The {@link IndexCommits} of the retriever owning this store. */
    IndexCommits commits() {
        return new IndexCommits() {
            @Override
            public boolean durable() {
                return index.path() != null;
            }

            @Override
            public String committedValue(String key) {
                ensureOpen();
                return index.committed(LuceneIndex.APP_PREFIX + Objects.requireNonNull(key, "key"));
            }

            @Override
            public void deferCommits(boolean defer) {
                ensureOpen();
                index.deferCommits(defer);
            }

            @Override
            public void commit(Map<String, String> values) {
                Map<String, String> prefixed = new HashMap<>();
                values.forEach((k, v) -> prefixed.put(LuceneIndex.APP_PREFIX + Objects.requireNonNull(k, "key"), v));
                ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
                lock.lock();
                try {
                    ensureOpen();
                    index.commit(prefixed);
                } catch (IOException e) {
                    throw writeFailed(e);
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this " + owner + " retriever is closed");
        }
    }

    /**
     * Commits (on disk) and closes the index, then the embedder if the retriever owns it; waits for running
     * searches and writes. Idempotent.
     */
    void close() {
        ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                index.close();
            } finally {
                if (vectors != null) {
                    vectors.close();
                }
            }
        } catch (IOException e) {
            throw new LlamaException("closing the " + owner + " index failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }
}
