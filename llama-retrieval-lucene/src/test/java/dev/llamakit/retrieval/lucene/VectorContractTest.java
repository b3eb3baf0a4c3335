package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.Map;

/** {@code vector}, in memory (exact search: the sample corpus is far below the threshold), keeps the contract. */
class VectorContractTest extends RetrieverContract {
    @Override
    protected Retriever newRetriever() {
        return Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME));
    }

    @Override
    protected boolean onlyMatchingChunksAreHits() {
        return false; // every chunk is ranked by similarity
    }
}
