package dev.llamakit.retrieval.lucene;

import dev.llamakit.client.LlamaException;
import dev.llamakit.retrieval.lucene.IndexUnreadableException.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogByteSizeMergePolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lucene index: its directory, the single {@link IndexWriter} and a {@link SearcherManager} over the writer
 * (near-real-time readers). Opening an on-disk directory checks it: an empty or missing directory gets a new index,
 * a llamakit index with the same analysis and the same embedder (or none on both sides) is appended to, anything
 * else is refused with an {@link IndexUnreadableException}. Every commit carries the llamakit marker in its user data. Writes are
 * serialised; {@link #afterWrite()} commits (on disk) and refreshes so that changes are visible on return.
 */
final class LuceneIndex implements Closeable {
    static final String SCHEMA_KEY = "llamakit.schema";
    static final String SCHEMA_VERSION = "1";
    static final String ANALYZER_KEY = "llamakit.analyzer";
    static final String FIELDS_KEY = "llamakit.fields";
    /** The {@code name()} of the embedder whose vectors the index holds; absent in an index without vectors. */
    static final String EMBEDDER_KEY = "llamakit.embedder";
    /** The {@code dimensions()} of that embedder; absent in an index without vectors. */
    static final String DIMENSIONS_KEY = "llamakit.embedder.dimensions";

    private static final Logger log = LoggerFactory.getLogger(LuceneIndex.class);
    private static final String WRITE_LOCK = IndexWriter.WRITE_LOCK_NAME;

    private final Path path; // null when in memory
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReentrantLock writeLock = new ReentrantLock();

    private LuceneIndex(Path path, Directory directory, IndexWriter writer, SearcherManager searchers) {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
    }

    /**
     * Opens (or creates) the index.
     *
     * @param path the on-disk directory, or {@code null} for an in-memory index
     * @param marker the commit user data identifying the index ({@link #SCHEMA_KEY}, {@link #ANALYZER_KEY},
     *     {@link #FIELDS_KEY}, and with vectors {@link #EMBEDDER_KEY} and {@link #DIMENSIONS_KEY}); an existing index
     *     must carry the same values
     */
    static LuceneIndex open(Path path, Analyzer analyzer, Similarity similarity, Map<String, String> marker) {
        Directory directory = null;
        IndexWriter writer = null;
        try {
            boolean create;
            if (path == null) {
                directory = new ByteBuffersDirectory();
                create = true;
            } else {
                if (Files.exists(path) && !Files.isDirectory(path)) {
                    throw new IllegalArgumentException("index-dir " + path + " is a file, not a directory");
                }
                Files.createDirectories(path);
                directory = FSDirectory.open(path);
                create = checkExisting(path, directory, marker);
            }
            IndexWriterConfig config = new IndexWriterConfig(analyzer)
                    .setSimilarity(similarity)
                    .setOpenMode(create ? IndexWriterConfig.OpenMode.CREATE : IndexWriterConfig.OpenMode.APPEND)
                    // Merges of adjacent segments only: documents keep their insertion order, so equal scores
                    // come back in the order the documents were added, run after run.
                    .setMergePolicy(new LogByteSizeMergePolicy())
                    .setCommitOnClose(false);
            try {
                writer = new IndexWriter(directory, config);
            } catch (LockObtainFailedException e) {
                throw new LlamaException("the index in " + path + " is open in another retriever or process"
                        + " (its write lock is held); close that one first", e);
            } catch (IndexFormatTooOldException | IndexFormatTooNewException e) {
                throw new IndexUnreadableException(path, Reason.INCOMPATIBLE,
                        "it was written by an unsupported Lucene version: " + e.getMessage(), e);
            } catch (IOException e) {
                throw corrupt(path, e);
            }
            writer.setLiveCommitData(new TreeMap<>(marker).entrySet());
            if (create) {
                writer.commit(); // the directory is now marked as ours, even before the first document
                if (path != null) {
                    log.info("created a new index in {} ({})", path, marker);
                }
            }
            SearcherManager searchers;
            try {
                searchers = new SearcherManager(writer, true, false, new SearcherFactory() {
                    @Override
                    public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                        IndexSearcher searcher = new IndexSearcher(reader);
                        searcher.setSimilarity(similarity);
                        return searcher;
                    }
                });
            } catch (IOException e) {
                throw corrupt(path, e);
            }
            return new LuceneIndex(path, directory, writer, searchers);
        } catch (IOException e) {
            closeQuietly(writer, directory);
            throw new LlamaException("cannot open the index in " + (path == null ? "memory" : path.toString())
                    + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(writer, directory);
            throw e;
        }
    }

    /** Checks an on-disk directory; true when a new index is to be created in it. */
    private static boolean checkExisting(Path path, Directory directory, Map<String, String> marker)
            throws IOException {
        String[] files = directory.listAll();
        if (SegmentInfos.getLastCommitGeneration(files) == -1) {
            List<String> others = new ArrayList<>(Arrays.asList(files));
            others.remove(WRITE_LOCK);
            if (!others.isEmpty()) {
                throw new IndexUnreadableException(path, Reason.FOREIGN, "the folder is not empty and holds no"
                        + " Lucene index (found " + describeFiles(others) + "); use an empty or new folder");
            }
            return true;
        }
        Map<String, String> userData;
        try {
            userData = SegmentInfos.readLatestCommit(directory).getUserData();
        } catch (IndexFormatTooOldException | IndexFormatTooNewException e) {
            throw new IndexUnreadableException(path, Reason.INCOMPATIBLE,
                    "it was written by an unsupported Lucene version: " + e.getMessage(), e);
        } catch (IOException e) {
            throw corrupt(path, e);
        }
        String schema = userData.get(SCHEMA_KEY);
        if (schema == null) {
            throw new IndexUnreadableException(path, Reason.FOREIGN, "it is a Lucene index that llamakit did not"
                    + " write (its commit has no " + SCHEMA_KEY + " marker); refusing to modify it");
        }
        if (!SCHEMA_VERSION.equals(schema)) {
            throw new IndexUnreadableException(path, Reason.INCOMPATIBLE, "it uses llamakit index schema " + schema
                    + ", this version reads schema " + SCHEMA_VERSION + "; rebuild the index");
        }
        checkEmbedder(path, marker, userData);
        for (String key : List.of(ANALYZER_KEY, FIELDS_KEY)) {
            String expected = marker.get(key);
            String actual = userData.get(key);
            if (!Objects.equals(expected, actual)) {
                throw new IndexUnreadableException(path, Reason.INCOMPATIBLE, "it was built with " + key + "="
                        + actual + " but this retriever is configured with " + key + "=" + expected
                        + "; open it with the options it was built with (stemmer, stopwords, fields) or rebuild it");
            }
        }
        return false;
    }

    /** Vectors of different models must never be mixed: the embedder (or its absence) must match the index's. */
    private static void checkEmbedder(Path path, Map<String, String> marker, Map<String, String> userData) {
        String expected = marker.get(EMBEDDER_KEY);
        String actual = userData.get(EMBEDDER_KEY);
        String expectedDims = marker.get(DIMENSIONS_KEY);
        String actualDims = userData.get(DIMENSIONS_KEY);
        if (Objects.equals(expected, actual) && Objects.equals(expectedDims, actualDims)) {
            return;
        }
        String message;
        if (actual == null) {
            message = "it was built without vectors (by the bm25 retriever) but this retriever embeds with '" + expected
                    + "'; open it with bm25, or build a vector or hybrid index in a new folder";
        } else if (expected == null) {
            message = "it holds the vectors of embedder '" + actual + "' (" + actualDims + " dimensions), written by"
                    + " the vector or hybrid retriever; open it with one of those and embedder=" + actual
                    + " (bm25 would add chunks without vectors)";
        } else {
            message = "it was built with embedder '" + actual + "' (" + actualDims + " dimensions) but this retriever"
                    + " uses embedder '" + expected + "' (" + expectedDims + " dimensions); vectors of different"
                    + " models cannot be mixed: open it with embedder=" + actual + " or rebuild it in a new folder";
        }
        throw new IndexUnreadableException(path, Reason.INCOMPATIBLE, message);
    }

    private static LlamaException corrupt(Path path, IOException e) {
        if (path == null) {
            return new LlamaException("cannot open the in-memory index: " + e, e);
        }
        return new IndexUnreadableException(path, Reason.CORRUPT,
                "the index files are damaged (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); restore it from a copy or delete the folder and re-index", e);
    }

    private static String describeFiles(List<String> files) {
        List<String> shown = files.size() > 5 ? files.subList(0, 5) : files;
        return String.join(", ", shown) + (files.size() > 5 ? " and " + (files.size() - 5) + " more" : "");
    }

    /** The on-disk directory, or {@code null} in memory. */
    Path path() {
        return path;
    }

    IndexWriter writer() {
        return writer;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    /** Commits (on disk: an atomic Lucene commit) and refreshes the searchers; call holding the write lock. */
    void afterWrite() throws IOException {
        if (path != null) {
            writer.commit();
        }
        searchers.maybeRefreshBlocking();
    }

    IndexSearcher acquire() throws IOException {
        return searchers.acquire();
    }

    void release(IndexSearcher searcher) throws IOException {
        searchers.release(searcher);
    }

    /** Commits (on disk) and closes the writer, the searchers and the directory. */
    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            IOException failure = null;
            try {
                if (path != null && writer.isOpen()) {
                    writer.commit();
                }
            } catch (IOException e) {
                failure = e;
            }
            try {
                searchers.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            try {
                writer.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            try {
                directory.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static void closeQuietly(IndexWriter writer, Directory directory) {
        try {
            if (writer != null) {
                writer.rollback(); // never commit a half-opened index
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
        try {
            if (directory != null) {
                directory.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
    }
}
