package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.Map;

/** {@code bm25}, in memory, keeps the retriever contract. */
class Bm25ContractTest extends RetrieverContract {
    @Override
    protected Retriever newRetriever() {
        return Retrievers.create("bm25", Map.of());
    }
}
