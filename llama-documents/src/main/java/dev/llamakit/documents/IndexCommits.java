package dev.llamakit.documents;

import java.util.Map;

/**
 * The commits of an index that stores values with its documents, for a caller that keeps its own state there (the
 * {@linkplain FolderIndexer folder indexer}'s manifest). The Lucene retrievers implement it. Values given to
 * {@link #commit(Map)} are written by the same atomic commit as the documents, so after a crash or power loss the
 * index holds the documents and the values of one and the same moment: they cannot disagree.
 *
 * <p>By default every upsert and delete is committed on return. With {@link #deferCommits(boolean)} writes are
 * visible to searches but committed only by {@link #commit(Map)}; closing the retriever then drops (rolls back) what
 * was written since the last commit, rather than commit it without the caller's values.
 */
public interface IndexCommits {

    /** Whether commits survive the process (an on-disk index); an in-memory index keeps values until it is closed. */
    boolean durable();

    /** The value the last {@link #commit(Map)} stored under {@code key} (kept by later commits), or {@code null}. */
    String committedValue(String key);

    /** Defers commits to {@link #commit(Map)} (true) or commits every write again (false). */
    void deferCommits(boolean defer);

    /**
     * Commits every write so far together with {@code values} (a {@code null} value removes its key), atomically.
     *
     * @throws RuntimeException when the index cannot be written (the Lucene retrievers throw their
     *                          {@code IndexNotWritableException})
     */
    void commit(Map<String, String> values);
}
