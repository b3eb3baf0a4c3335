package dev.llamakit.retrieval.lucene;

import dev.llamakit.client.error.LlamaException;
import dev.llamakit.retrieval.lucene.IndexUnreadableException.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
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
    /**
     * What that embedder computes: its vector of a fixed probe text ({@link VectorIndexer#probe()}), so that an
     * embedder with the same name and dimensions but another model, pooling or length limit is told apart.
     */
    static final String PROBE_KEY = "llamakit.embedder.probe";
    /** Commit data keys of the index's users (such as the folder indexer's manifest) start with this. */
    static final String APP_PREFIX = "app.";
    /** Existing indexes up to this size have every file's checksum verified when they are opened. */
    static final long VERIFY_ON_OPEN_BYTES = 64L << 20;

    private static final Logger log = LoggerFactory.getLogger(LuceneIndex.class);
    private static final String WRITE_LOCK = IndexWriter.WRITE_LOCK_NAME;

    private final Path path; // null when in memory
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<String, String> commitData; // what the next commit carries; guarded by writeLock
    private volatile Map<String, String> committed; // what the last commit carries
    private boolean deferCommits; // guarded by writeLock

    private LuceneIndex(Path path, Directory directory, IndexWriter writer, SearcherManager searchers,
                        Map<String, String> commitData) {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.commitData = commitData;
        this.committed = Map.copyOf(commitData);
    }

    /**
     * Opens (or creates) the index.
     *
     * @param path the on-disk directory, or {@code null} for an in-memory index
     * @param given a directory to use instead of opening {@code path} (tests: simulated failures), or {@code null};
     *     {@code path} then only names it in messages
     * @param marker the commit user data identifying the index ({@link #SCHEMA_KEY}, {@link #ANALYZER_KEY},
     *     {@link #FIELDS_KEY}, and with vectors {@link #EMBEDDER_KEY} and {@link #DIMENSIONS_KEY}); an existing index
     *     must carry the same values
     * @param probe with vectors, what computes the embedder's {@link #PROBE_KEY} value (called for indexes on disk
     *     only); {@code null} without vectors
     */
    static LuceneIndex open(Path path, Directory given, Analyzer analyzer, Similarity similarity,
                            Map<String, String> marker, Supplier<String> probe) {
        Directory directory = null;
        IndexWriter writer = null;
        try {
            boolean create;
            Map<String, String> data = new TreeMap<>(marker);
            if (path == null) {
                directory = new ByteBuffersDirectory();
                create = true;
            } else {
                if (given != null) {
                    directory = given;
                } else {
                    if (Files.exists(path) && !Files.isDirectory(path)) {
                        throw new IllegalArgumentException("index " + path + " is a file, not a directory");
                    }
                    try {
                        Files.createDirectories(path);
                    } catch (IOException e) {
                        throw notWritable(path, e);
                    }
                    directory = FSDirectory.open(path);
                }
                Map<String, String> existing = checkExisting(path, directory, marker);
                create = existing == null;
                if (!create) {
                    existing.forEach((k, v) -> {
                        if (k.startsWith(APP_PREFIX) || k.equals(PROBE_KEY)) {
                            data.put(k, v); // carried over: the users' state and the embedder's first probe
                        }
                    });
                }
                if (probe != null) {
                    checkProbe(path, data, probe.get());
                }
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
                throw notWritableOrCorrupt(path, e);
            }
            writer.setLiveCommitData(Map.copyOf(data).entrySet());
            if (create) {
                try {
                    writer.commit(); // the directory is now marked as ours, even before the first document
                } catch (IOException e) {
                    throw notWritableOrCorrupt(path, e);
                }
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
            return new LuceneIndex(path, directory, writer, searchers, data);
        } catch (IOException e) {
            closeQuietly(writer, directory);
            if (isNotWritable(e)) {
                throw notWritable(path, e);
            }
            throw new LlamaException("cannot open the index in " + (path == null ? "memory" : path.toString())
                    + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(writer, directory);
            throw e;
        }
    }

    /**
     * Checks an on-disk directory: the user data of its last commit, or {@code null} when a new index is to be
     * created in it. A small index has every file's checksum verified ({@link #VERIFY_ON_OPEN_BYTES}).
     */
    private static Map<String, String> checkExisting(Path path, Directory directory, Map<String, String> marker)
            throws IOException {
        String[] files = directory.listAll();
        if (SegmentInfos.getLastCommitGeneration(files) == -1) {
            List<String> others = new ArrayList<>(Arrays.asList(files));
            others.remove(WRITE_LOCK);
            if (!others.isEmpty()) {
                throw new IndexUnreadableException(path, Reason.FOREIGN, "the folder is not empty and holds no"
                        + " Lucene index (found " + describeFiles(others) + "); use an empty or new folder");
            }
            return null;
        }
        SegmentInfos infos;
        try {
            infos = SegmentInfos.readLatestCommit(directory);
        } catch (IndexFormatTooOldException | IndexFormatTooNewException e) {
            throw new IndexUnreadableException(path, Reason.INCOMPATIBLE,
                    "it was written by an unsupported Lucene version: " + e.getMessage(), e);
        } catch (IOException e) {
            throw notWritableOrCorrupt(path, e);
        }
        Map<String, String> userData = infos.getUserData();
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
        IndexCheck.verifyIfSmall(path, directory, infos, VERIFY_ON_OPEN_BYTES);
        return userData;
    }

    /**
     * An index keeps the probe vector of the embedder that built it: the current embedder must compute the same
     * vector (within float noise), or its vectors would be mixed with another model's under the same name.
     */
    private static void checkProbe(Path path, Map<String, String> data, String current) {
        String stored = data.get(PROBE_KEY);
        if (stored == null) {
            data.put(PROBE_KEY, current); // a new index, or one built before probes were kept: from now on
            return;
        }
        if (!VectorIndexer.sameComputation(stored, current)) {
            throw new IndexUnreadableException(path, Reason.INCOMPATIBLE, "it was built by an embedder named '"
                    + data.get(EMBEDDER_KEY) + "' that computes other vectors than the one configured now (same name"
                    + " and dimensions, but another model, pooling or length limit); vectors of different models"
                    + " cannot be mixed: configure the embedder the index was built with, or rebuild it in a new"
                    + " folder");
        }
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

    /** An I/O failure while creating or writing: a read-only or forbidden folder is not a damaged index. */
    private static LlamaException notWritableOrCorrupt(Path path, IOException e) {
        return isNotWritable(e) ? notWritable(path, e) : corrupt(path, e);
    }

    static boolean isNotWritable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException || t instanceof ReadOnlyFileSystemException) {
                return true;
            }
            if (t instanceof FileSystemException fs && fs.getReason() != null) {
                String reason = fs.getReason().toLowerCase(Locale.ROOT);
                if (reason.contains("read-only") || reason.contains("permission denied")
                        || reason.contains("operation not permitted")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static LlamaException notWritable(Path path, IOException e) {
        if (path == null) {
            return new LlamaException("cannot write the in-memory index: " + e, e);
        }
        return new IndexNotWritableException(path, e);
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

    /**
     * Commits (on disk: an atomic Lucene commit, unless commits are {@linkplain #deferCommits(boolean) deferred}) and
     * refreshes the searchers; call holding the write lock.
     */
    void afterWrite() throws IOException {
        if (path != null && !deferCommits) {
            commitLocked();
        }
        searchers.maybeRefreshBlocking();
    }

    /**
     * While deferred, writes are visible to searches but committed only by {@link #commit(Map)}; closing the index
     * drops what was written since the last commit.
     */
    void deferCommits(boolean defer) {
        writeLock.lock();
        try {
            this.deferCommits = defer;
        } finally {
            writeLock.unlock();
        }
    }

    /** Commits every write so far together with {@code values} ({@link #APP_PREFIX} keys; null removes), at once. */
    void commit(Map<String, String> values) throws IOException {
        writeLock.lock();
        try {
            values.forEach((k, v) -> {
                if (!k.startsWith(APP_PREFIX)) {
                    throw new IllegalArgumentException("commit data keys start with '" + APP_PREFIX + "': " + k);
                }
                if (v == null) {
                    commitData.remove(k);
                } else {
                    commitData.put(k, v);
                }
            });
            writer.setLiveCommitData(Map.copyOf(commitData).entrySet());
            if (path != null) {
                commitLocked();
            }
            committed = Map.copyOf(commitData);
        } finally {
            writeLock.unlock();
        }
    }

    private void commitLocked() throws IOException {
        try {
            writer.commit();
        } catch (IOException e) {
            if (isNotWritable(e)) {
                throw new IndexNotWritableException(path, e);
            }
            throw e;
        }
    }

    /** A value of the last commit (in memory: of the last {@link #commit(Map)}), or {@code null}. */
    String committed(String key) {
        return committed.get(key);
    }

    IndexSearcher acquire() throws IOException {
        return searchers.acquire();
    }

    void release(IndexSearcher searcher) throws IOException {
        searchers.release(searcher);
    }

    /**
     * Commits (on disk; not while commits are deferred: what was written since the last commit is then dropped) and
     * closes the writer, the searchers and the directory.
     */
    @Override
    public void close() throws IOException {
        writeLock.lock();
        try {
            IOException failure = null;
            try {
                if (path != null && writer.isOpen() && !deferCommits) {
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
