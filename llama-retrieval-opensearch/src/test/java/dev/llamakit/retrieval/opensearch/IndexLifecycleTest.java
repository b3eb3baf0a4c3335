package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.opensearch.OpenSearchRetrieverException.Reason;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.tck.SampleCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Creating the index, reusing a compatible one, refusing an incompatible one (another embedder, dimension, analyzer
 * source or BM25 setting, or an index llamakit did not create) without touching it, and a red index.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class IndexLifecycleTest {
    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();

    IndexLifecycleTest(OpenSearchNode node) {
        this.node = node;
    }

    @AfterEach
    void deleteIndices() {
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }

    private String index() {
        String i = TestHttp.freshIndex("lifecycle");
        indices.add(i);
        return i;
    }

    private Retriever open(String index, Map<String, String> extra) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("url", node.url(), "index", index,
                "replicas", "0", "refresh", "true"));
        options.putAll(extra);
        return Retrievers.create("opensearch", options);
    }

    private static OpenSearchRetrieverException conflict(Runnable open) {
        try {
            open.run();
        } catch (OpenSearchRetrieverException e) {
            assertThat(e.reason()).as("reason of: %s", e.getMessage()).isEqualTo(Reason.MAPPING_CONFLICT);
            return e;
        }
        throw new AssertionError("expected a mapping conflict");
    }

    @Test
    void createsTheIndexWithItsMappingAndReopensIt() {
        String index = index();
        try (Retriever r = open(index, Map.of("embedder", TestEmbedders.HASHING))) {
            r.upsert(SampleCorpus.documents().subList(0, 3));
        }
        String mapping = TestHttp.send(node.url(), "GET", "/" + index + "/_mapping", null).body();
        assertThat(mapping).contains("\"analyzer\":\"english\"", "\"knn_vector\"", "\"dimension\":256",
                "\"engine\":\"lucene\"", "\"space_type\":\"cosinesimil\"", "\"embedder\":\"test-hashing\"",
                "\"dynamic\":\"strict\"");
        String settings = TestHttp.send(node.url(), "GET", "/" + index + "/_settings", null).body();
        assertThat(settings).contains("\"knn\":\"true\"", "\"k1\":\"0.9\"", "\"b\":\"0.4\"");
        try (Retriever again = open(index, Map.of("embedder", TestEmbedders.HASHING, "mode", "hybrid"))) {
            assertThat(again.count()).as("documents kept in the reopened index").isEqualTo(3);
            assertThat(again.retrieve("penguins", 3)).first()
                    .satisfies(h -> assertThat(h.chunk().documentId()).isEqualTo("animals-01"));
        }
    }

    @Test
    void anIndexOfAnotherEmbedderOrDimensionIsRefusedAndLeftAlone() {
        String index = index();
        try (Retriever r = open(index, Map.of("embedder", TestEmbedders.HASHING))) {
            r.upsert(SampleCorpus.documents());
        }
        String before = TestHttp.send(node.url(), "GET", "/" + index + "/_mapping", null).body();

        OpenSearchRetrieverException other = conflict(() -> open(index, Map.of("embedder", TestEmbedders.WORDS)));
        assertThat(other.getMessage()).contains(index, "'test-hashing'", "'test-words'");

        Embedder sameNameOtherSize = new Embedder() {
            @Override
            public String name() {
                return TestEmbedders.HASHING;
            }

            @Override
            public int dimensions() {
                return 128;
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                return texts.stream().map(t -> new float[128]).toList();
            }
        };
        OpenSearchRetrieverException dimension = conflict(() -> Retrievers.create("opensearch", ProviderOptions
                .builder().putAll(Map.of("url", node.url(), "index", index)).service(Embedder.class, sameNameOtherSize)
                .build()));
        assertThat(dimension.getMessage()).contains("256 dimensions", "gives 128");

        OpenSearchRetrieverException withoutEmbedder = conflict(() -> open(index, Map.of()));
        assertThat(withoutEmbedder.getMessage()).contains("holds vectors of embedder 'test-hashing'", "'embedder'");

        OpenSearchRetrieverException otherK1 = conflict(() -> open(index, Map.of("embedder", TestEmbedders.HASHING,
                "k1", "1.2")));
        assertThat(otherK1.getMessage()).contains("k1=0.9", "k1=1.2");

        assertThat(TestHttp.send(node.url(), "GET", "/" + index + "/_mapping", null).body())
                .as("the mapping after the refused opens").isEqualTo(before);
        try (Retriever r = open(index, Map.of("embedder", TestEmbedders.HASHING))) {
            assertThat(r.count()).as("documents after the refused opens").isEqualTo(SampleCorpus.documents().size());
        }
    }

    @Test
    void anIndexWithoutVectorsIsRefusedForAnEmbedder() {
        String index = index();
        open(index, Map.of()).close();
        OpenSearchRetrieverException e = conflict(() -> open(index, Map.of("mode", "vector",
                "embedder", TestEmbedders.HASHING)));
        assertThat(e.getMessage()).contains("created without vectors", "new index");
    }

    @Test
    void anIndexLlamakitDidNotCreateIsRefusedAndNotDeleted() {
        String index = index();
        assertThat(TestHttp.send(node.url(), "PUT", "/" + index, "{\"settings\":{\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"text\":{\"type\":\"text\"}}}}").status()).isEqualTo(200);
        TestHttp.send(node.url(), "PUT", "/" + index + "/_doc/mine?refresh=true", "{\"text\":\"a user's own data\"}");
        OpenSearchRetrieverException e = conflict(() -> open(index, Map.of()));
        assertThat(e.getMessage()).contains("not created by llamakit", index);
        assertThat(TestHttp.send(node.url(), "GET", "/" + index + "/_doc/mine", null).body())
                .as("the user's document is still there").contains("\"found\":true", "a user's own data");
    }

    @Test
    void aRedIndexFailsAtOnceWithClusterUnhealthyAndTheReason() {
        String index = index();
        // a llamakit index whose only primary shard may live on no node: red
        com.fasterxml.jackson.databind.node.ObjectNode body = new IndexSchema(0.9f, 0.4f, null, 0).createBody(1, 0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.path("settings").path("index"))
                .put("routing.allocation.require._name", "no-such-node");
        assertThat(TestHttp.send(node.url(), "PUT", "/" + index + "?wait_for_active_shards=0", Json.write(body))
                .status()).isEqualTo(200);
        // default settings: the health timeout (30 s) is as long as the request timeout, so waiting would end in a
        // client-side TIMEOUT, not in a diagnosis
        assertThatThrownBy(() -> OpenSearchRetriever.builder().url(node.url()).index(index).build())
                .isInstanceOfSatisfying(OpenSearchRetrieverException.class, e -> {
                    assertThat(e.reason()).as("reason of: %s", e.getMessage()).isEqualTo(Reason.CLUSTER_UNHEALTHY);
                    assertThat(e.getMessage()).contains(index, "red", "primary shard 0", "cannot be allocated",
                            "no-such-node")
                            .doesNotContain("did not become");
                });
    }

    @Test
    void indexNamesThatNeedUrlEncodingAreUsedExactly() {
        int n = indices.size();
        for (String name : List.of("llamakit-test-100%-" + n, "llamakit-test-%41%2f-" + n,
                "llamakit-test-[a]{b}^`~-" + n, "llamakit-test-x+y=caf\u00e9-" + n)) {
            indices.add(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
            try (Retriever r = open(name, Map.of())) {
                r.upsert(SampleCorpus.documents().subList(0, 3));
                assertThat(r.count()).as("documents in '%s'", name).isEqualTo(3);
                assertThat(r.retrieve("penguins", 3)).first()
                        .satisfies(h -> assertThat(h.chunk().documentId()).isEqualTo("animals-01"));
                r.delete(List.of("animals-01"));
                assertThat(r.count()).isEqualTo(2);
            }
            String listed = TestHttp.send(node.url(), "GET", "/_cat/indices?format=json&h=index", null).body();
            java.util.Set<String> names = new java.util.HashSet<>();
            Json.parseOrNull(listed).forEach(i -> names.add(i.path("index").asText()));
            assertThat(names).as("the cluster's index names").contains(name);
        }
    }

    @Test
    void documentsStayInTheIndexAfterClose() {
        String index = index();
        Retriever r = open(index, Map.of());
        r.upsert(List.of(Document.of("kept", "Kept after close.")));
        r.close();
        try (Retriever again = open(index, Map.of())) {
            assertThat(again.count()).isEqualTo(1);
        }
    }
}
