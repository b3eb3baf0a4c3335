package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.Map;

/** {@code hybrid} with sentence chunking and the HNSW graph (exact-below=0) keeps the contract. */
class HybridChunkedContractTest extends RetrieverContract {
    @Override
    protected Retriever newRetriever() {
        return Retrievers.create("hybrid", Map.of("embedder", HashingEmbedder.NAME, "chunking", "sentence",
                "chunk-tokens", "48", "chunk-overlap", "8", "exact-below", "0"));
    }

    @Override
    protected boolean onlyMatchingChunksAreHits() {
        return false;
    }

    @Override
    protected boolean topKResultsArePrefixes() {
        return false; // the vector side is approximate
    }
}
