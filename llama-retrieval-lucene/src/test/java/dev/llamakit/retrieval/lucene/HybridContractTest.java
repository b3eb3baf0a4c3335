package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.Map;

/** {@code hybrid} with its defaults (reciprocal rank fusion), in memory, keeps the contract. */
class HybridContractTest extends RetrieverContract {
    @Override
    protected Retriever newRetriever() {
        return Retrievers.create("hybrid", Map.of("embedder", HashingEmbedder.NAME));
    }

    @Override
    protected boolean onlyMatchingChunksAreHits() {
        return false; // the vector side ranks every chunk
    }
}
