package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.opensearch.OpenSearchRetrieverException.Reason;
import dev.llamakit.tck.SampleCorpus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the retriever does when the cluster is not all there: refused connections, a dead or hung first node, documents
 * the cluster rejects, and 429s. Every test gives several node URLs, as a deployment does.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class ClusterFailureTest {
    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();

    ClusterFailureTest(OpenSearchNode node) {
        this.node = node;
    }

    @AfterEach
    void deleteIndices() {
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }

    private String index() {
        String i = TestHttp.freshIndex("failure");
        indices.add(i);
        return i;
    }

    @Test
    void anUnreachableClusterFailsNamingEveryUrlTried() {
        String first = ClosedPort.url();
        String second = ClosedPort.url();
        RecordingSleeper sleeper = new RecordingSleeper();
        assertThatThrownBy(() -> OpenSearchRetriever.builder().url(first, second).index(index()).maxRetries(2)
                .sleeper(sleeper).build())
                .isInstanceOfSatisfying(OpenSearchRetrieverException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains(first + " (connection refused)",
                            second + " (connection refused)", "after 3 attempts");
                });
        assertThat(sleeper.pauses).as("backoff before each retry").hasSize(2);
        assertThat(sleeper.pauses.get(1)).as("the second pause is longer (exponential)").isGreaterThan(sleeper.pauses.get(0));

        assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", ClosedPort.url(), "max-retries", "0")))
                .isInstanceOfSatisfying(OpenSearchRetrieverException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE));
    }

    @Test
    void failsOverToTheSecondUrlWhenTheFirstIsDown() {
        String dead = ClosedPort.url();
        RecordingSleeper sleeper = new RecordingSleeper();
        try (Retriever r = OpenSearchRetriever.builder().url(dead, node.url()).index(index()).replicas(0)
                .sleeper(sleeper).build()) {
            r.upsert(SampleCorpus.documents());
            assertThat(r.count()).isEqualTo(SampleCorpus.documents().size());
            assertThat(r.retrieve("penguins", 3)).first()
                    .satisfies(h -> assertThat(h.chunk().documentId()).isEqualTo("animals-01"));
            r.delete(List.of("animals-01"));
            assertThat(r.count()).isEqualTo(SampleCorpus.documents().size() - 1L);
        }
        assertThat(sleeper.pauses).as("fail-over needs no backoff: the next node is tried at once").isEmpty();
    }

    @Test
    void documentsTheClusterRejectsAreReportedPerDocumentAndTheOthersAreWritten() {
        try (Retriever r = OpenSearchRetriever.builder().url(node.url(), ClosedPort.url()).index(index()).replicas(0)
                .build()) {
            r.upsert(List.of(Document.builder("first").text("Metadata 'shape' is a value here.")
                    .metadata("shape", "round").build()));
            // 'shape.edges' needs 'shape' to be an object, but the first document made it a keyword: a mapping conflict
            Document conflicting = Document.builder("conflicting").text("Octagons have eight edges.")
                    .metadata("shape.edges", "8").build();
            Document good1 = Document.builder("good-1").text("Hexagons tile the plane.").metadata("shape", "hex").build();
            Document good2 = Document.builder("good-2").text("Triangles are rigid.").build();
            assertThatThrownBy(() -> r.upsert(List.of(good1, conflicting, good2)))
                    .isInstanceOfSatisfying(PartialWriteException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.PARTIAL_FAILURE);
                        assertThat(e.documents()).isEqualTo(3);
                        assertThat(e.failures()).containsOnlyKeys("conflicting");
                        PartialWriteException.Failure f = e.failures().get("conflicting");
                        assertThat(f.status()).isEqualTo(400);
                        assertThat(f.type()).isEqualTo("mapper_parsing_exception");
                        assertThat(f.reason()).contains("shape");
                        assertThat(e.getMessage()).contains("1 of 3 documents failed to upsert", "'conflicting'",
                                "mapper_parsing_exception");
                    });
            assertThat(r.count()).as("the first and the two good documents").isEqualTo(3);
            assertThat(r.retrieve("hexagons triangles octagons", 10)).extracting(h -> h.chunk().documentId())
                    .containsExactlyInAnyOrder("good-1", "good-2");
        }
    }

    @Test
    void itemsRejectedWith429AreRetriedWithBackoffThenReported() {
        String index = index();
        RecordingSleeper sleeper = new RecordingSleeper();
        try (Retriever r = OpenSearchRetriever.builder().url(ClosedPort.url(), node.url()).index(index).replicas(0)
                .maxRetries(3).sleeper(sleeper).build()) {
            r.upsert(List.of(SampleCorpus.document("animals-01")));
            // the flood-stage block: OpenSearch rejects every write to the index with 429 per bulk item
            setBlock(index, "true");
            try {
                assertThatThrownBy(() -> r.upsert(SampleCorpus.documents().subList(1, 4)))
                        .isInstanceOfSatisfying(PartialWriteException.class, e -> {
                            assertThat(e.failures()).containsOnlyKeys("animals-02", "animals-03", "animals-04");
                            assertThat(e.failures().values()).allSatisfy(f -> {
                                assertThat(f.status()).isEqualTo(429);
                                assertThat(f.type()).isEqualTo("cluster_block_exception");
                            });
                        });
                assertThat(sleeper.pauses).as("one backoff per retry").hasSize(3);
                assertThat(sleeper.pauses.get(2)).isGreaterThan(sleeper.pauses.get(1));
                assertThat(sleeper.pauses.get(1)).isGreaterThan(sleeper.pauses.get(0));
            } finally {
                setBlock(index, "null");
            }
            assertThat(r.count()).isEqualTo(1);
        }
    }

    @Test
    void aRetriedBulkSucceedsOnceTheClusterAcceptsWritesAgain() {
        String index = index();
        RecordingSleeper liftsTheBlock = new RecordingSleeper(() -> setBlock(index, "null"));
        try (Retriever r = OpenSearchRetriever.builder().url(node.url(), ClosedPort.url()).index(index).replicas(0)
                .sleeper(liftsTheBlock).build()) {
            r.upsert(List.of(SampleCorpus.document("animals-01")));
            setBlock(index, "true");
            r.upsert(SampleCorpus.documents().subList(1, 4));
            assertThat(liftsTheBlock.pauses).as("one backoff, after which the block was lifted").hasSize(1);
            assertThat(r.count()).isEqualTo(4);
            assertThat(r.retrieve(RetrievalQuery.of("octopus", 1))).first()
                    .satisfies(h -> assertThat(h.chunk().documentId()).isEqualTo("animals-02"));
        }
    }

    @Test
    void nodesThatNeverAnswerFailWithATypedTimeoutNamingEach() {
        try (SilentNode first = new SilentNode(); SilentNode second = new SilentNode()) {
            RecordingSleeper sleeper = new RecordingSleeper();
            assertThatThrownBy(() -> OpenSearchRetriever.builder().url(first.url(), second.url()).index(index())
                    .requestTimeout(Duration.ofMillis(200)).sleeper(sleeper).build())
                    .isInstanceOfSatisfying(OpenSearchRetrieverException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                        assertThat(e.getMessage()).contains("request timeout of 200 ms", first.url(), second.url());
                    });
            assertThat(first.connections()).as("the first hung node was tried once").isEqualTo(1);
            assertThat(second.connections()).as("then the second, once").isEqualTo(1);
            assertThat(sleeper.pauses).as("a timeout is not retried after a backoff: it already waited").isEmpty();
        }
    }

    @Test
    void aHungFirstNodeIsFailedOverAndThenAvoided() {
        RecordingSleeper sleeper = new RecordingSleeper();
        try (SilentNode hung = new SilentNode(); FaultProxy proxy = new FaultProxy(node.url());
             Retriever r = OpenSearchRetriever.builder().url(hung.url(), proxy.url()).index(index()).replicas(0)
                     .requestTimeout(Duration.ofSeconds(3)).sleeper(sleeper).build()) {
            assertThat(hung.connections()).as("opening tried the hung node first").isEqualTo(1);
            r.upsert(SampleCorpus.documents());
            assertThat(r.count()).isEqualTo(SampleCorpus.documents().size());
            assertThat(r.retrieve("penguins", 3)).first()
                    .satisfies(h -> assertThat(h.chunk().documentId()).isEqualTo("animals-01"));

            // the healthy node answers one search with 503: the hung node is not tried again (it timed out just
            // now), the search is retried on the healthy node after a backoff
            java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
            proxy.rule = (request, forward) -> request.path().contains("/_search") && once.compareAndSet(false, true)
                    ? new FaultProxy.Reply(503, "{\"error\":{\"type\":\"unavailable\",\"reason\":\"busy\"},\"status\":503}")
                    : forward.apply(request);
            assertThat(r.retrieve("octopus", 1)).first()
                    .satisfies(h -> assertThat(h.chunk().documentId()).isEqualTo("animals-02"));
            assertThat(once).isTrue();
            assertThat(sleeper.pauses).as("one backoff before the retry on the healthy node").hasSize(1);
            r.delete(List.of("animals-01"));
            assertThat(r.count()).isEqualTo(SampleCorpus.documents().size() - 1L);
            assertThat(hung.connections()).as("the hung node was avoided after its timeout").isEqualTo(1);
        }
    }

    private void setBlock(String index, String value) {
        TestHttp.Answer a = TestHttp.send(node.url(), "PUT", "/" + index + "/_settings",
                "{\"index.blocks.read_only_allow_delete\":" + value + "}");
        assertThat(a.status()).as("setting the block: %s", a.body()).isEqualTo(200);
    }
}
