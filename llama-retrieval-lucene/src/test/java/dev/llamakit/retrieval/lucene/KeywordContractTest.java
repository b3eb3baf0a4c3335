package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.Map;

/** The seed's keyword baseline keeps the retriever contract too. */
class KeywordContractTest extends RetrieverContract {
    @Override
    protected Retriever newRetriever() {
        return Retrievers.create("keyword", Map.of());
    }
}
