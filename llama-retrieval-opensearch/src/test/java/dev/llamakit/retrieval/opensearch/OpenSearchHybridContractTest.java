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
 * {@code opensearch} in hybrid mode (BM25 and k-NN fused with RRF) keeps the retriever contract.
 * Every retriever gets a new index, deleted after the test; writes use {@code refresh=true} so that the contract's
 * many small writes do not each wait for the scheduled refresh.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class OpenSearchHybridContractTest extends RetrieverContract {
    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();

    OpenSearchHybridContractTest(OpenSearchNode node) {
        this.node = node;
    }

    @Override
    protected Retriever newRetriever() {
        String index = TestHttp.freshIndex("contract-hybrid");
        indices.add(index);
        return Retrievers.create("opensearch", Map.of("url", node.url(), "index", index, "mode", "hybrid",
                "embedder", TestEmbedders.WORDS, "min-similarity", "0.001",
                "refresh", "true", "replicas", "0"));
    }

    @AfterEach
    void deleteIndices() {
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }
}
