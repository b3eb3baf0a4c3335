package dev.llamakit.apps.rag;

import dev.llamakit.retrieval.RetrievedChunk;
import java.util.List;

/** Reorders (or filters) the retrieved hits before they become the answer's numbered sources. */
@FunctionalInterface
public interface Reranker {

    /** The hits in the order they should be numbered; may drop hits. */
    List<RetrievedChunk> rerank(String question, List<RetrievedChunk> hits);

    /** Keeps the retriever's order. */
    static Reranker identity() {
        return (question, hits) -> hits;
    }
}
