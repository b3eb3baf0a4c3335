package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.Map;

/** {@code bm25} with sentence chunking (several Lucene documents per document) keeps the retriever contract. */
class Bm25ChunkedContractTest extends RetrieverContract {
    @Override
    protected Retriever newRetriever() {
        return Retrievers.create("bm25", Map.of("chunking", "sentence", "chunk-tokens", "48", "chunk-overlap", "8"));
    }
}
