package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.SampleCorpus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A real two-node cluster in this JVM (the nodes talk over TCP on loopback): an index with 2 shards and 1 replica
 * spread over both nodes; after one node stops, the survivor answers the same queries with the same results, and
 * upserts succeed once the index is yellow. The retriever is given both URLs, the stopped node's first, so it also
 * fails over.
 */
class TwoNodeClusterTest {
    private static final List<String> QUERIES = List.of(SampleCorpus.broadQuery(), "penguins lagoon",
            "saffron risotto paella kimchi", "Winter im Herbst", "black hole horizon");

    @Test
    void theSurvivorOfTwoNodesServesTheSameResultsAndTakesWrites() {
        try (OpenSearchNode first = OpenSearchNode.startClusterManager("llamakit-two-nodes")) {
            OpenSearchNode second = OpenSearchNode.startJoining(first, "node-1");
            try {
                survive(first, second);
            } finally {
                second.close(); // idempotent: the test stops it on purpose
            }
        }
    }

    private void survive(OpenSearchNode first, OpenSearchNode second) {
        TestHttp.Answer joined = TestHttp.send(first.url(), "GET",
                "/_cluster/health?wait_for_nodes=2&timeout=60s", null);
        assertThat(joined.body()).as("cluster health").contains("\"number_of_nodes\":2");

        String index = TestHttp.freshIndex("two-nodes");
        Map<String, String> options = Map.of("url", second.url() + "," + first.url(), "index", index,
                "shards", "2", "replicas", "1", "embedder", TestEmbedders.HASHING, "mode", "hybrid",
                "connect-timeout", "2s");
        try (Retriever r = Retrievers.create("opensearch", options)) {
            r.upsert(SampleCorpus.documents());
            TestHttp.Answer green = TestHttp.send(first.url(), "GET",
                    "/_cluster/health/" + index + "?wait_for_status=green&timeout=60s", null);
            assertThat(green.body()).contains("\"status\":\"green\"");
            assertThat(shardNodes(first.url(), index)).as("nodes holding the index's 4 shard copies")
                    .containsExactlyInAnyOrder("node-0", "node-1");

            Map<String, List<String>> before = new java.util.LinkedHashMap<>();
            for (String q : QUERIES) {
                before.put(q, ids(r.retrieve(RetrievalQuery.of(q, 10))));
            }

            second.close();
            TestHttp.Answer yellow = TestHttp.send(first.url(), "GET",
                    "/_cluster/health/" + index + "?wait_for_nodes=1&wait_for_status=yellow&wait_for_active_shards=2"
                            + "&timeout=60s", null);
            assertThat(yellow.body()).contains("\"number_of_nodes\":1", "\"status\":\"yellow\"",
                    "\"active_primary_shards\":2");

            for (String q : QUERIES) {
                assertThat(ids(r.retrieve(RetrievalQuery.of(q, 10)))).as("hits for '%s' from the survivor", q)
                        .isEqualTo(before.get(q));
            }
            assertThat(r.count()).isEqualTo(SampleCorpus.documents().size());

            r.upsert(List.of(Document.builder("after-stop").title("Written to the survivor")
                    .text("The quokka smiles on Rottnest Island.").metadata(SampleCorpus.TOPIC, "animals").build()));
            r.delete(List.of("animals-02"));
            assertThat(r.count()).isEqualTo(SampleCorpus.documents().size());
            assertThat(ids(r.retrieve("quokka", 3))).first().isEqualTo("after-stop#0");
            assertThat(ids(r.retrieve("octopus", 32))).doesNotContain("animals-02#0");
        }
        // a second retriever on the survivor alone opens the yellow index without complaint
        try (Retriever again = Retrievers.create("opensearch", Map.of("url", first.url(), "index", index,
                "shards", "2", "replicas", "1", "embedder", TestEmbedders.HASHING))) {
            assertThat(again.count()).isEqualTo(SampleCorpus.documents().size());
        }
    }

    private static List<String> ids(List<RetrievedChunk> hits) {
        List<String> ids = new ArrayList<>();
        hits.forEach(h -> ids.add(h.chunk().id()));
        return ids;
    }

    private static Set<String> shardNodes(String url, String index) {
        JsonNode shards = Json.parseOrNull(TestHttp.send(url, "GET", "/_cat/shards/" + index + "?format=json", null)
                .body());
        Set<String> nodes = new HashSet<>();
        assertThat(shards).as("shard copies").hasSize(4);
        shards.forEach(s -> {
            assertThat(s.path("state").asText()).isEqualTo("STARTED");
            nodes.add(s.path("node").asText());
        });
        return nodes;
    }
}
