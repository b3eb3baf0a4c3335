package dev.llamakit.retrieval.opensearch;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.RetrieverContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code opensearch} in BM25 mode, with sentence chunking (several chunk documents per document, so that the
 * contract's long-to-short replacement also checks that stale chunks are deleted), keeps the retriever contract.
 * Every retriever gets a new index, deleted after the test; writes use {@code refresh=true} so that the contract's
 * many small writes do not each wait for the scheduled refresh.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class OpenSearchBm25ContractTest extends RetrieverContract {
    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();

    OpenSearchBm25ContractTest(OpenSearchNode node) {
        this.node = node;
    }

    @Override
    protected Retriever newRetriever() {
        String index = TestHttp.freshIndex("contract-bm25");
        indices.add(index);
        return Retrievers.create("opensearch", Map.of("url", node.url(), "index", index,
                "chunking", "sentence", "chunk-tokens", "48", "chunk-overlap", "8", "refresh", "true", "replicas", "0"));
    }

    @AfterEach
    void deleteIndices() {
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }
}
