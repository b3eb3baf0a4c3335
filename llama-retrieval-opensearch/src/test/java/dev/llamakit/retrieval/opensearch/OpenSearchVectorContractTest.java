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
 * {@code opensearch} in vector mode (k-NN on the exact bag-of-words test embedder, with a similarity cut-off: see
 * {@link TestEmbedders}) keeps the retriever contract.
 *
 * <p>{@code candidates} (the k of the k-NN search, which is also HNSW's beam width) is 1,000 here, not the default
 * 100: the test embedder's one-hot word vectors are orthogonal to almost everything, so the HNSW graph has nothing
 * to steer by, and after the concurrency rule's many replaced and deleted documents (which stay in the graph until
 * merged) a beam of 100 missed up to 18 of 50 live documents in a probe. A wider beam visits the whole small graph.
 * Real embeddings are not that degenerate, but the same knob raises recall on an index with many deletions.
 *
 * <p>Every retriever gets a new index, deleted after the test; writes use {@code refresh=true} so that the contract's
 * many small writes do not each wait for the scheduled refresh.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class OpenSearchVectorContractTest extends RetrieverContract {
    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();

    OpenSearchVectorContractTest(OpenSearchNode node) {
        this.node = node;
    }

    @Override
    protected Retriever newRetriever() {
        String index = TestHttp.freshIndex("contract-vector");
        indices.add(index);
        return Retrievers.create("opensearch", Map.of("url", node.url(), "index", index, "mode", "vector",
                "embedder", TestEmbedders.WORDS, "min-similarity", "0.001",
                "candidates", "1000", "refresh", "true", "replicas", "0"));
    }

    @AfterEach
    void deleteIndices() {
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }
}
