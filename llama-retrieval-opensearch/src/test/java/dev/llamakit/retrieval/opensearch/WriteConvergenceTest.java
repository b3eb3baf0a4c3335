package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.IndexText;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.chunk.SentenceChunker;
import dev.llamakit.tck.SampleCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes that converge: a tail delete lost between the two steps of an upsert (or half of a delete) is repaired by
 * the next upsert or delete of the document; unchanged chunks keep their vectors without calling the embedder; chunk
 * numbering follows the same rules as the embedded Lucene index. Faults are injected by a {@link FaultProxy} between
 * the retriever and the real node, so the index itself is the witness.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class WriteConvergenceTest {
    private static final Chunker SENTENCES = SentenceChunker.of(40, 0);
    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();

    WriteConvergenceTest(OpenSearchNode node) {
        this.node = node;
    }

    @AfterEach
    void deleteIndices() {
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }

    private String index() {
        String i = TestHttp.freshIndex("converge");
        indices.add(i);
        return i;
    }

    /** The {@code _id}s of every chunk document of {@code documentId} in the index, read directly. */
    private TreeSet<String> chunkIds(String index, String documentId) {
        TestHttp.send(node.url(), "POST", "/" + index + "/_refresh", null);
        ObjectNode body = Json.object().put("size", 1000).put("_source", false);
        body.putObject("query").putObject("term").put("document_id", documentId);
        JsonNode hits = Json.parseOrNull(TestHttp.send(node.url(), "POST", "/" + index + "/_search", Json.write(body))
                .body()).path("hits").path("hits");
        TreeSet<String> ids = new TreeSet<>();
        hits.forEach(h -> ids.add(h.path("_id").asText()));
        return ids;
    }

    private static TreeSet<String> expectedIds(Document d) {
        TreeSet<String> ids = new TreeSet<>();
        IntStream.range(0, SENTENCES.chunk(d).size()).forEach(i -> ids.add(Chunk.idOf(d.id(), i)));
        return ids;
    }

    private static Document shorter(String id) {
        return Document.builder(id).title("Now short").text("Only newmark0001 is left. And a second sentence about"
                + " newmark0002, long enough to be a chunk of its own when chunks hold forty tokens or so.").build();
    }

    /**
     * A fault: every delete of a chunk is lost (its bulk item fails, a delete-by-query fails), except, when
     * {@code keepFirst}, the delete of chunk {@code <id>#0}, as when a bulk delete fails half-way.
     */
    private static FaultProxy.Reply loseDeletes(FaultProxy.Request request, Function<FaultProxy.Request,
            FaultProxy.Reply> node, boolean keepFirst, String index, String documentId) {
        if (request.path().contains("/_delete_by_query")) {
            if (keepFirst) {
                node.apply(new FaultProxy.Request("POST", "/" + index + "/_bulk?refresh=true",
                        "{\"delete\":{\"_id\":\"" + documentId + "#0\"}}\n"));
            }
            return new FaultProxy.Reply(500, "{\"error\":{\"type\":\"simulated_failure\",\"reason\":\"the deletes"
                    + " were lost\"},\"status\":500}");
        }
        if (!request.path().contains("/_bulk") || request.body() == null) {
            return node.apply(request);
        }
        String[] lines = request.body().split("\n");
        StringBuilder forwarded = new StringBuilder();
        List<Integer> lost = new ArrayList<>();
        List<String> lostIds = new ArrayList<>();
        int item = 0;
        for (int i = 0; i < lines.length; i++, item++) {
            JsonNode action = Json.parseOrNull(lines[i]);
            if (action.has("delete")) {
                String id = action.path("delete").path("_id").asText();
                if (keepFirst && id.endsWith("#0")) {
                    forwarded.append(lines[i]).append('\n');
                } else {
                    lost.add(item);
                    lostIds.add(id);
                }
            } else {
                forwarded.append(lines[i]).append('\n').append(lines[++i]).append('\n');
            }
        }
        if (lost.isEmpty()) {
            return node.apply(request);
        }
        JsonNode answer = forwarded.length() == 0 ? Json.object().put("took", 0).set("items", Json.array())
                : Json.parseOrNull(node.apply(new FaultProxy.Request(request.method(), request.path(),
                        forwarded.toString())).body());
        ArrayNode items = Json.array();
        JsonNode real = answer.path("items");
        for (int i = 0, r = 0, l = 0; i < item; i++) {
            if (l < lost.size() && lost.get(l) == i) {
                ObjectNode failed = items.addObject().putObject("delete");
                failed.put("_index", index).put("_id", lostIds.get(l++)).put("status", 500);
                failed.putObject("error").put("type", "simulated_failure").put("reason", "the delete was lost");
            } else {
                items.add(real.path(r++));
            }
        }
        ObjectNode out = Json.object().put("took", answer.path("took").asInt()).put("errors", true);
        out.set("items", items);
        return new FaultProxy.Reply(200, Json.write(out));
    }

    private OpenSearchRetriever open(String url, String index) {
        return OpenSearchRetriever.builder().url(url).index(index).replicas(0).chunker(SENTENCES).build();
    }

    @Test
    void aLostTailDeleteIsRepairedByTheNextUpsert() {
        String index = index();
        try (FaultProxy proxy = new FaultProxy(node.url()); Retriever r = open(proxy.url(), index)) {
            Document long01 = SampleCorpus.longDocument("long-01");
            r.upsert(List.of(long01, SampleCorpus.document("animals-01")));
            TreeSet<String> before = chunkIds(index, "long-01");
            assertThat(before).as("chunks of the long version").isEqualTo(expectedIds(long01)).hasSizeGreaterThan(10);

            proxy.rule = (request, forward) -> loseDeletes(request, forward, false, index, "long-01");
            assertThatThrownBy(() -> r.upsert(List.of(shorter("long-01"))))
                    .isInstanceOf(OpenSearchRetrieverException.class);
            assertThat(chunkIds(index, "long-01")).as("the lost delete left the old tail (the simulated crash)")
                    .hasSize(before.size());

            proxy.rule = FaultProxy.PASS;
            r.upsert(List.of(shorter("long-01")));
            assertThat(chunkIds(index, "long-01")).as("chunks after the next upsert")
                    .isEqualTo(expectedIds(shorter("long-01")));
            assertThat(r.retrieve("oldmark0149 oldmark0075", 10)).as("hits for words of the old version").isEmpty();
            assertThat(r.count()).isEqualTo(2);
        }
    }

    @Test
    void aLostTailDeleteIsRepairedByDeletingTheDocument() {
        String index = index();
        try (FaultProxy proxy = new FaultProxy(node.url()); Retriever r = open(proxy.url(), index)) {
            r.upsert(List.of(SampleCorpus.longDocument("long-01"), SampleCorpus.document("animals-01")));
            proxy.rule = (request, forward) -> loseDeletes(request, forward, false, index, "long-01");
            assertThatThrownBy(() -> r.upsert(List.of(shorter("long-01"))))
                    .isInstanceOf(OpenSearchRetrieverException.class);
            assertThat(chunkIds(index, "long-01")).hasSizeGreaterThan(expectedIds(shorter("long-01")).size());

            proxy.rule = FaultProxy.PASS;
            r.delete(List.of("long-01"));
            assertThat(chunkIds(index, "long-01")).as("chunks after delete").isEmpty();
            assertThat(r.retrieve("oldmark0149", 10)).isEmpty();
            assertThat(r.count()).isEqualTo(1);
        }
    }

    @Test
    void aDeleteThatFailedHalfWayIsCompletedByRetryingIt() {
        String index = index();
        try (FaultProxy proxy = new FaultProxy(node.url()); Retriever r = open(proxy.url(), index)) {
            r.upsert(List.of(SampleCorpus.longDocument("long-01")));
            proxy.rule = (request, forward) -> loseDeletes(request, forward, true, index, "long-01");
            assertThatThrownBy(() -> r.delete(List.of("long-01"))).isInstanceOf(OpenSearchRetrieverException.class);
            TreeSet<String> left = chunkIds(index, "long-01");
            assertThat(left).as("chunk 0 went, the rest was lost").isNotEmpty().doesNotContain("long-01#0");

            proxy.rule = FaultProxy.PASS;
            r.delete(List.of("long-01"));
            assertThat(chunkIds(index, "long-01")).as("chunks after the retried delete").isEmpty();
            assertThat(r.retrieve("oldmark0149", 10)).isEmpty();
        }
    }

    /** Counts the texts it embeds. */
    private static final class CountingEmbedder implements Embedder {
        final AtomicInteger texts = new AtomicInteger();
        private final Embedder inner = new TestEmbedders.Hashing();

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int dimensions() {
            return inner.dimensions();
        }

        @Override
        public List<float[]> embed(List<String> batch) {
            texts.addAndGet(batch.size());
            return inner.embed(batch);
        }
    }

    @Test
    void reUpsertingEmbedsOnlyTheChunksWhoseTextChanged() {
        String index = index();
        CountingEmbedder counting = new CountingEmbedder();
        try (Retriever r = OpenSearchRetriever.builder().url(node.url()).index(index).replicas(0).chunker(SENTENCES)
                .embedder(counting).mode(SearchMode.VECTOR).build()) {
            Document long01 = SampleCorpus.longDocument("long-01");
            List<Chunk> chunks = SENTENCES.chunk(long01);
            r.upsert(List.of(long01));
            assertThat(counting.texts.get()).as("first upsert: every chunk").isEqualTo(chunks.size());

            counting.texts.set(0);
            r.upsert(List.of(long01));
            assertThat(counting.texts.get()).as("re-upserting the same document").isZero();

            Document edited = long01.toBuilder().text(long01.text() + " One more sentence names newmark0009.").build();
            List<Chunk> editedChunks = SENTENCES.chunk(edited);
            long changed = editedChunks.stream().filter(c -> chunks.stream().noneMatch(o ->
                    IndexText.of(o).equals(IndexText.of(c)))).count();
            assertThat(changed).as("chunks the edit changed").isBetween(1L, 2L);
            counting.texts.set(0);
            r.upsert(List.of(edited));
            assertThat(counting.texts.get()).as("after editing the last sentence").isEqualTo(changed);

            counting.texts.set(0);
            r.upsert(List.of(Document.of("twin-1", "Identical twins share a text."),
                    Document.of("twin-2", "Identical twins share a text.")));
            assertThat(counting.texts.get()).as("one text in two documents of one upsert").isEqualTo(1);

            // a reused vector is the vector of its text: the nearest chunk to a chunk's own text is that chunk
            Chunk first = editedChunks.get(0);
            List<RetrievedChunk> hits = r.retrieve(IndexText.of(first), 1);
            assertThat(hits).extracting(h -> h.chunk().id()).containsExactly(first.id());
            JsonNode stored = Json.parseOrNull(TestHttp.send(node.url(), "GET", "/" + index + "/_doc/"
                    + java.net.URLEncoder.encode(first.id(), java.nio.charset.StandardCharsets.UTF_8), null).body());
            float[] expected = new TestEmbedders.Hashing().embed(List.of(IndexText.of(first))).get(0);
            JsonNode vector = stored.path("_source").path("embedding");
            assertThat(vector.size()).isEqualTo(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat((float) vector.path(i).asDouble()).isEqualTo(expected[i]);
            }
        }
    }

    /** Chunks named by the chunker, numbered from 1, with ids that repeat across documents. */
    private static final Chunker LABELLED = d -> {
        int half = d.text().indexOf(". ") + 1;
        return List.of(new Chunk("intro", d.id(), 1, d.title(), d.text().substring(0, half), 0, half, d.metadata()),
                new Chunk("body", d.id(), 2, d.title(), d.text().substring(half + 1), half + 1, d.text().length(),
                        d.metadata()));
    };

    @Test
    void chunksAreNumberedAndNamedAsTheChunkerSaysLikeTheLuceneIndex() {
        String index = index();
        try (Retriever r = OpenSearchRetriever.builder().url(node.url()).index(index).replicas(0).chunker(LABELLED)
                .build()) {
            r.upsert(List.of(Document.of("a", "Apples grow on trees. Bananas grow in bunches."),
                    Document.of("b", "Cherries are small. Dates are sweet.")));
            assertThat(r.count()).as("documents, counted once each").isEqualTo(2);
            assertThat(r.retrieve("bananas", 5)).singleElement().satisfies(h -> {
                assertThat(h.chunk().id()).isEqualTo("body");
                assertThat(h.chunk().documentId()).isEqualTo("a");
                assertThat(h.chunk().index()).isEqualTo(2);
                assertThat(h.chunk().text()).isEqualTo("Bananas grow in bunches.");
            });
            assertThat(r.retrieve("cherries", 5)).singleElement().satisfies(h -> {
                assertThat(h.chunk().id()).isEqualTo("intro");
                assertThat(h.chunk().documentId()).isEqualTo("b");
                assertThat(h.chunk().index()).isEqualTo(1);
            });
            r.delete(List.of("a"));
            assertThat(r.count()).isEqualTo(1);
            assertThat(r.retrieve("bananas apples", 5)).isEmpty();
            assertThat(r.retrieve("dates", 5)).extracting(h -> h.chunk().documentId()).containsExactly("b");
        }
        // the rules the Lucene index enforces: chunks belong to their document, ids are unique within it
        try (Retriever r = OpenSearchRetriever.builder().url(node.url()).index(index).replicas(0)
                .chunker(d -> List.of(new Chunk("x", "other", 0, "", d.text(), 0, d.text().length(), Map.of())))
                .build()) {
            assertThatThrownBy(() -> r.upsert(List.of(Document.of("c", "Text."))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("chunk of document 'other'");
        }
        try (Retriever r = OpenSearchRetriever.builder().url(node.url()).index(index).replicas(0)
                .chunker(d -> List.of(new Chunk("x", d.id(), 0, "", "One.", 0, 4, Map.of()),
                        new Chunk("x", d.id(), 1, "", "Two.", 4, 8, Map.of())))
                .build()) {
            assertThatThrownBy(() -> r.upsert(List.of(Document.of("c", "One.Two."))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'x' twice");
            assertThat(r.count()).isEqualTo(1);
        }
    }
}
