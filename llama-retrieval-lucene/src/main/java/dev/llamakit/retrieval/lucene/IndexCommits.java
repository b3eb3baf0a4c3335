package dev.llamakit.retrieval.lucene;

import java.util.Map;

/**
 * The commits of a Lucene retriever, for a caller that keeps its own state with the documents (the
 * {@linkplain dev.llamakit.retrieval.lucene.load.FolderIndexer folder indexer}'s manifest). Values given to
 * {@link #commit(Map)} are written by the same atomic Lucene commit as the documents, so after a crash or power loss
 * the index holds the documents and the values of one and the same moment: they cannot disagree.
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
     * @throws IndexNotWritableException when the folder cannot be written
     */
    void commit(Map<String, String> values);
}
