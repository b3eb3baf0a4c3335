package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.Map;

/** {@code vector} with sentence chunking (several vectors per document) keeps the contract. */
class VectorChunkedContractTest extends RetrieverContract {
    @Override
    protected Retriever newRetriever() {
        return Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "chunking", "sentence",
                "chunk-tokens", "48", "chunk-overlap", "8"));
    }

    @Override
    protected boolean onlyMatchingChunksAreHits() {
        return false;
    }
}
