package dev.llamakit.retrieval;

import java.util.Collection;
import java.util.List;

/**
 * Finds the chunks of indexed documents that best match a query, and keeps its index up to date. Implementations
 * are thread-safe: searches may run while documents are upserted or deleted, and see a consistent index.
 * Rules every retriever keeps are checked by {@code llama-tck}'s {@code RetrieverContract}.
 */
public interface Retriever extends AutoCloseable {

    /** The provider name, e.g. {@code bm25}. */
    String name();

    /** The best hits for the query, best first, at most {@code query.topK()}; empty when nothing matches. */
    List<RetrievedChunk> retrieve(RetrievalQuery query);

    /** The top {@code topK} hits for {@code text}, without filters. */
    default List<RetrievedChunk> retrieve(String text, int topK) {
        return retrieve(RetrievalQuery.of(text, topK));
    }

    /** Adds documents, replacing those with the same ids (all their chunks). Visible to searches on return. */
    void upsert(Collection<Document> documents);

    /** Removes the documents with these ids (unknown ids are ignored). Visible to searches on return. */
    void delete(Collection<String> documentIds);

    /** The number of indexed documents. */
    long count();

    /** Frees the index (and commits it when it is on disk). */
    @Override
    void close();
}
