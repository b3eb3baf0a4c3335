package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.SampleCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Upserts and deletes as the index sees them: chunk documents, stale chunks, counts, visibility on return. */
@ExtendWith(OpenSearchNodeExtension.class)
class WritesTest {
    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();

    WritesTest(OpenSearchNode node) {
        this.node = node;
    }

    @AfterEach
    void deleteIndices() {
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }

    private String index() {
        String i = TestHttp.freshIndex("writes");
        indices.add(i);
        return i;
    }

    /** The ids of every chunk document of {@code documentId} in the index, read directly. */
    private TreeSet<String> chunkIds(String index, String documentId) {
        TestHttp.send(node.url(), "POST", "/" + index + "/_refresh", null);
        String body = TestHttp.send(node.url(), "POST", "/" + index + "/_search",
                "{\"size\":1000,\"_source\":false,\"query\":{\"term\":{\"document_id\":\"" + documentId + "\"}}}").body();
        JsonNode hits = Json.parseOrNull(body).path("hits").path("hits");
        TreeSet<String> ids = new TreeSet<>();
        hits.forEach(h -> ids.add(h.path("_id").asText()));
        return ids;
    }

    @Test
    void reUpsertingAShorterDocumentLeavesNoOrphanChunks() {
        String index = index();
        try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", index, "replicas", "0",
                "chunking", "sentence", "chunk-tokens", "40", "chunk-overlap", "0", "embedder", TestEmbedders.HASHING))) {
            r.upsert(List.of(SampleCorpus.longDocument("long-01"), SampleCorpus.document("animals-01")));
            TreeSet<String> longChunks = chunkIds(index, "long-01");
            assertThat(longChunks).as("chunks of the long document").hasSizeGreaterThan(10).contains("long-01#0");
            assertThat(r.count()).as("count() counts documents, not chunks").isEqualTo(2);

            Document shorter = Document.builder("long-01").title("Now short").text("Only newmark0001 is left. "
                    + "And a second sentence about newmark0002.").build();
            r.upsert(List.of(shorter));
            TreeSet<String> after = chunkIds(index, "long-01");
            assertThat(after).as("chunks after re-upserting a shorter version")
                    .isNotEmpty().hasSizeLessThan(longChunks.size());
            for (int i = 0; i < after.size(); i++) {
                assertThat(after).contains("long-01#" + i);
            }
            assertThat(r.count()).isEqualTo(2);
            assertThat(r.retrieve("oldmark0149 oldmark0075", 10)).as("hits for words of the old version").isEmpty();
            assertThat(r.retrieve("newmark0001", 10)).extracting(h -> h.chunk().documentId()).containsExactly("long-01");

            r.upsert(List.of(shorter));
            assertThat(chunkIds(index, "long-01")).as("re-upserting the same version changes nothing").isEqualTo(after);

            r.delete(List.of("long-01"));
            assertThat(chunkIds(index, "long-01")).as("chunks after delete").isEmpty();
            assertThat(r.count()).isEqualTo(1);
        }
    }

    @Test
    void theDefaultRefreshMakesWritesVisibleOnReturn() {
        // default refresh=wait_for: upsert and delete return once a scheduled refresh has made them searchable
        try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", index(),
                "replicas", "0"))) {
            for (int round = 0; round < 3; round++) {
                String word = SampleCorpus.generatedWord("visible", round);
                r.upsert(List.of(Document.of("doc-" + round, "This one says " + word + ".")));
                assertThat(r.retrieve(word, 5)).as("hits right after upsert %d", round).hasSize(1);
                assertThat(r.count()).isEqualTo(round + 1L);
            }
            r.delete(List.of("doc-1"));
            assertThat(r.retrieve(SampleCorpus.generatedWord("visible", 1), 5)).as("hits right after delete").isEmpty();
            assertThat(r.count()).isEqualTo(2);
        }
    }

    @Test
    void aLargeUpsertGoesInSeveralBulkRequestsAndIsVisibleOnReturn() {
        String index = index();
        try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", index, "replicas", "0",
                "shards", "3", "batch-size", "7"))) {
            List<Document> docs = new ArrayList<>(SampleCorpus.documents());
            for (int i = 0; i < 40; i++) {
                docs.add(Document.of("extra-" + i, "Extra text number " + SampleCorpus.generatedWord("bulkword", i)));
            }
            r.upsert(docs);
            assertThat(r.count()).isEqualTo(docs.size());
            for (int i = 0; i < 40; i += 13) {
                List<RetrievedChunk> hits = r.retrieve(SampleCorpus.generatedWord("bulkword", i), 3);
                assertThat(hits).extracting(h -> h.chunk().documentId()).containsExactly("extra-" + i);
            }
        }
    }

    @Test
    void badDocumentsFailBeforeAnythingIsWritten() {
        try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", index(),
                "replicas", "0", "refresh", "true"))) {
            Document ok = Document.of("ok", "Fine text.");
            Document longId = Document.of("x".repeat(600), "An id longer than OpenSearch's 512-byte _id.");
            assertThatThrownBy(() -> r.upsert(List.of(ok, longId))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("too long").hasMessageContaining("512");
            Document hugeValue = Document.builder("huge").text("Big metadata.").metadata("blob", "y".repeat(40_000))
                    .build();
            assertThatThrownBy(() -> r.upsert(List.of(ok, hugeValue))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'blob'").hasMessageContaining("32766");
            assertThat(r.count()).as("nothing of a rejected batch is written").isZero();
            r.delete(List.of("x".repeat(600), "", "never-indexed"));
            assertThat(r.count()).isZero();
        }
    }
}
