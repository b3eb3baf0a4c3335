package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.Embedder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.IndexText;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.tck.SampleCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorRetrieverTest {

    static VectorRetriever withCorpus(Embedder embedder) {
        VectorRetriever r = VectorRetriever.builder().embedder(embedder).build();
        r.upsert(SampleCorpus.documents());
        return r;
    }

    static List<String> docIds(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    static List<String> snapshot(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.rank() + " " + h.chunk().id() + " " + h.score() + " " + h.highlight()).toList();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Extra documents that differ in one generated word each. */
    static List<Document> extras(int n) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs.add(Document.builder("extra-" + i).title("Extra " + i).text("Extra document " + i + " is about "
                    + SampleCorpus.generatedWord("zorblat", i) + ". It was added later.").metadata("lang", "en").build());
        }
        return docs;
    }

    @Test
    void scoresAreTheCosinesOfTheEmbeddersVectorsBestFirst() {
        HashingEmbedder hashing = new HashingEmbedder();
        try (VectorRetriever r = withCorpus(hashing)) {
            String query = "penguins huddle in the antarctic winter";
            List<RetrievedChunk> hits = r.retrieve(query, 32);
            assertThat(hits).hasSize(32); // every chunk is ranked
            assertThat(hits.get(0).chunk().documentId()).isEqualTo("animals-01");
            float[] q = hashing.embedQuery(query);
            double previous = Double.POSITIVE_INFINITY;
            for (RetrievedChunk hit : hits) {
                float[] d = hashing.embed(List.of(hit.chunk().title() + "\n" + hit.chunk().text())).get(0);
                assertThat(hit.score()).as("score of %s", hit.chunk().id()).isCloseTo(dot(q, d), within(1e-5));
                assertThat(hit.score()).isBetween(-1.0, 1.0).isLessThanOrEqualTo(previous);
                previous = hit.score();
            }
            assertThat(r.name()).isEqualTo("vector");
            assertThat(hits).extracting(RetrievedChunk::retriever).containsOnly("vector");
        }
    }

    @Test
    void findsByWordPiecesWhereBm25FindsNothing() {
        String misspelt = "pengiuns antarctica";
        try (VectorRetriever vector = withCorpus(new HashingEmbedder());
             Bm25Retriever bm25 = Bm25Retriever.inMemory()) {
            bm25.upsert(SampleCorpus.documents());
            assertThat(bm25.retrieve(misspelt, 10)).isEmpty();
            assertThat(docIds(vector.retrieve(misspelt, 3))).first().isEqualTo("animals-01");
        }
    }

    @Test
    void blankQueriesFindNothingWithoutCallingTheEmbedder() {
        CountingEmbedder counting = CountingEmbedder.hashing();
        try (VectorRetriever r = withCorpus(counting)) {
            for (String blank : List.of("", " ", "\t\n")) {
                assertThat(r.retrieve(blank, 10)).isEmpty();
            }
            assertThat(counting.queries).hasValue(0);
            assertThat(r.retrieve("?!", 10)).isNotEmpty(); // not blank: the embedder decides what it means
            assertThat(counting.queries).hasValue(1);
        }
    }

    // ------------------------------------------------------------------------------------------ vector reuse

    @Test
    void reUpsertingUnchangedDocumentsDoesNotCallTheEmbedder() {
        CountingEmbedder counting = CountingEmbedder.hashing();
        try (VectorRetriever r = withCorpus(counting)) {
            assertThat(counting.texts).hasSize(32);
            List<String> before = snapshot(r.retrieve("penguins lagoon saffron", 10));
            counting.reset();

            r.upsert(SampleCorpus.documents());
            r.upsert(List.of(SampleCorpus.document("cities-04")));
            assertThat(counting.calls).as("embedder calls for unchanged documents").hasValue(0);
            assertThat(r.count()).isEqualTo(32);
            assertThat(snapshot(r.retrieve("penguins lagoon saffron", 10))).isEqualTo(before);

            // metadata is not embedded: changing it embeds nothing either, and the new value filters
            Document moved = SampleCorpus.document("animals-01").toBuilder().metadata("topic", "birds").build();
            r.upsert(List.of(moved));
            assertThat(counting.calls).hasValue(0);
            assertThat(docIds(r.retrieve(RetrievalQuery.builder("penguins").filter("topic", "birds").build())))
                    .containsExactly("animals-01");

            // a new title is new embedded text
            r.upsert(List.of(moved.toBuilder().title("Penguins of the ice").build()));
            assertThat(counting.texts).containsExactly("Penguins of the ice\n" + moved.text());
        }
    }

    @Test
    void aChangedDocumentEmbedsOnlyItsChangedChunks() {
        CountingEmbedder counting = CountingEmbedder.hashing();
        try (VectorRetriever r = VectorRetriever.builder().embedder(counting)
                .chunker(Bm25RetrieverTest.PIPE_CHUNKER).build()) {
            r.upsert(List.of(Document.builder("d").title("T").text("alpha one|beta two|gamma three").build()));
            assertThat(counting.texts).containsExactly("T\nalpha one", "T\nbeta two", "T\ngamma three");
            counting.reset();
            r.upsert(List.of(Document.builder("d").title("T").text("alpha one|beta changed|gamma three|delta").build()));
            assertThat(counting.texts).containsExactly("T\nbeta changed", "T\ndelta");
            assertThat(r.retrieve("beta changed", 1).get(0).chunk().id()).isEqualTo("d#1");
            assertThat(r.retrieve("gamma three", 1).get(0).chunk().id()).isEqualTo("d#2");
            assertThat(r.retrieve("beta two", 10)).extracting(h -> h.chunk().text()).doesNotContain("beta two");
        }
    }

    @Test
    void identicalTextsInOneUpsertAreEmbeddedOnce() {
        CountingEmbedder counting = CountingEmbedder.hashing();
        try (VectorRetriever r = VectorRetriever.builder().embedder(counting).build()) {
            r.upsert(List.of(Document.builder("a").title("Same").text("the same words").build(),
                    Document.builder("b").title("Same").text("the same words").build(),
                    Document.builder("c").title("Other").text("other words").build()));
            assertThat(counting.texts).containsExactly("Same\nthe same words", "Other\nother words");
            List<RetrievedChunk> hits = r.retrieve("same words", 2);
            assertThat(docIds(hits)).containsExactlyInAnyOrder("a", "b");
            assertThat(hits.get(0).score()).isEqualTo(hits.get(1).score());
            // another document with an already indexed text: its vector is copied, not recomputed
            counting.reset();
            r.upsert(List.of(Document.builder("d").title("Other").text("other words").build()));
            assertThat(counting.calls).hasValue(0);
            assertThat(docIds(r.retrieve("other words", 2))).containsExactly("c", "d");
        }
    }

    @Test
    void progressIsReportedAfterEachBatchAndNotForReusedVectors() {
        List<String> reports = new CopyOnWriteArrayList<>();
        ProviderOptions options = ProviderOptions.builder().put("embedder", HashingEmbedder.NAME)
                .service(EmbeddingProgress.class, (done, total) -> reports.add(done + "/" + total)).build();
        try (Retriever r = Retrievers.create("vector", options)) {
            r.upsert(extras(150));
            assertThat(reports).containsExactly("64/150", "128/150", "150/150");
            reports.clear();
            List<Document> again = new ArrayList<>(extras(150));
            again.add(SampleCorpus.document("space-01"));
            r.upsert(again);
            assertThat(reports).containsExactly("1/1");
            reports.clear();
            r.upsert(extras(10));
            assertThat(reports).isEmpty();
        }
    }

    @Test
    void aFailingProgressListenerFailsTheUpsertAndWritesNothing() {
        try (VectorRetriever r = VectorRetriever.builder().embedder(new HashingEmbedder())
                .progress((done, total) -> {
                    throw new IllegalStateException("listener broke");
                }).build()) {
            assertThatThrownBy(() -> r.upsert(SampleCorpus.documents())).hasMessageContaining("listener broke");
            assertThat(r.count()).isZero();
        }
    }

    // --------------------------------------------------------------------------------------------- on disk

    @Test
    void vectorsSurviveReopeningAndAreReusedAfterwards(@TempDir Path tmp) {
        Path dir = tmp.resolve("index");
        CountingEmbedder first = CountingEmbedder.hashing();
        List<String> before;
        try (VectorRetriever r = VectorRetriever.builder().embedder(first).indexDirectory(dir).build()) {
            r.upsert(SampleCorpus.documents());
            r.delete(List.of("cities-02"));
            before = snapshot(r.retrieve("bamboo temples lagoon", 10));
        }
        assertThat(first.closes).as("an embedder passed in stays the caller's").hasValue(0);
        CountingEmbedder second = CountingEmbedder.hashing();
        try (VectorRetriever r = VectorRetriever.builder().embedder(second).indexDirectory(dir).build()) {
            assertThat(r.count()).isEqualTo(31);
            assertThat(snapshot(r.retrieve("bamboo temples lagoon", 10))).isEqualTo(before);
            r.upsert(SampleCorpus.documents());
            assertThat(second.texts).as("only the deleted document is embedded again (and the probe, on open)")
                    .containsExactly(VectorIndexer.PROBE_TEXT, IndexText.of(Chunk.whole(
                            SampleCorpus.document("cities-02"))));
        }
        // the same folder through the registry, and through hybrid: one index for both
        try (Retriever r = Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME,
                "index", dir.toString()))) {
            assertThat(r.count()).isEqualTo(32);
        }
        try (Retriever r = Retrievers.create("hybrid", Map.of("embedder", HashingEmbedder.NAME,
                "index", dir.toString()))) {
            assertThat(r.count()).isEqualTo(32);
            assertThat(docIds(r.retrieve("bamboo", 1))).containsExactly("cities-02");
        }
    }

    @Test
    void anIndexOfAnotherEmbedderOrWithoutVectorsIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("index");
        try (VectorRetriever r = VectorRetriever.builder().embedder(new HashingEmbedder()).indexDirectory(dir).build()) {
            r.upsert(SampleCorpus.documents());
        }
        List<String> files = Bm25OnDiskTest.listing(dir);
        assertThatThrownBy(() -> VectorRetriever.builder().embedder(new HashingEmbedder("other-model", 512))
                .indexDirectory(dir).build())
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.INCOMPATIBLE))
                .hasMessageContaining("'test-hashing-512' (512 dimensions)")
                .hasMessageContaining("'other-model' (512 dimensions)")
                .hasMessageContaining("cannot be mixed");
        assertThatThrownBy(() -> HybridRetriever.builder().embedder(new HashingEmbedder(HashingEmbedder.NAME, 256))
                .indexDirectory(dir).build())
                .isInstanceOf(IndexUnreadableException.class).hasMessageContaining("(256 dimensions)");
        assertThatThrownBy(() -> Bm25Retriever.builder().indexDirectory(dir).build())
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.INCOMPATIBLE))
                .hasMessageContaining("holds the vectors of embedder 'test-hashing-512'");
        assertThat(Bm25OnDiskTest.listing(dir)).as("refusals change nothing").isEqualTo(files);

        Path bm25Dir = tmp.resolve("bm25");
        try (Bm25Retriever r = Bm25Retriever.builder().indexDirectory(bm25Dir).build()) {
            r.upsert(SampleCorpus.documents());
        }
        assertThatThrownBy(() -> VectorRetriever.builder().embedder(new HashingEmbedder()).indexDirectory(bm25Dir).build())
                .isInstanceOf(IndexUnreadableException.class).hasMessageContaining("without vectors");
        // the keyword fields' analysis is checked as for bm25
        assertThatThrownBy(() -> VectorRetriever.builder().embedder(new HashingEmbedder()).indexDirectory(dir)
                .stemmer(Bm25Analyzer.Stemmer.NONE).build())
                .isInstanceOf(IndexUnreadableException.class).hasMessageContaining("llamakit.analyzer");
        try (VectorRetriever r = VectorRetriever.builder().embedder(new HashingEmbedder()).indexDirectory(dir).build()) {
            assertThat(r.count()).isEqualTo(32);
        }
    }

    // --------------------------------------------------------------------------------------------- search

    @Test
    void filtersApplyInsideTheSearchExactlyAndThroughTheGraph() {
        for (int exactBelow : new int[] {VectorRetriever.DEFAULT_EXACT_SEARCH_BELOW, 0}) {
            try (VectorRetriever r = VectorRetriever.builder().embedder(new HashingEmbedder())
                    .exactSearchBelow(exactBelow).build()) {
                r.upsert(SampleCorpus.documents());
                r.upsert(extras(200));
                // the German documents are far from this query: a filter applied after a top 3 would leave nothing
                List<RetrievedChunk> german = r.retrieve(RetrievalQuery.builder("penguins antarctic").topK(3)
                        .filter("lang", "de").build());
                assertThat(german).as("exact-below %d", exactBelow).hasSize(3)
                        .allSatisfy(h -> assertThat(h.chunk().metadata()).containsEntry("lang", "de"));
                assertThat(docIds(r.retrieve(RetrievalQuery.builder("penguins").topK(10).filter("lang", "de")
                        .filter("topic", "space").build()))).containsExactlyInAnyOrder("space-07", "space-08");
                assertThat(r.retrieve(RetrievalQuery.builder("penguins").filter("lang", "fr").build())).isEmpty();
                assertThat(docIds(r.retrieve(RetrievalQuery.builder("penguins").topK(1000).filter("topic", "animals")
                        .build()))).hasSize(8).first().isEqualTo("animals-01");
            }
        }
    }

    @Test
    void exactAndGraphSearchAgreeOnASmallIndex() {
        try (VectorRetriever exact = VectorRetriever.builder().embedder(new HashingEmbedder()).build();
             VectorRetriever graph = VectorRetriever.builder().embedder(new HashingEmbedder()).exactSearchBelow(0)
                     .build()) {
            for (VectorRetriever r : List.of(exact, graph)) {
                r.upsert(SampleCorpus.documents());
                r.upsert(extras(300));
                r.delete(List.of("extra-7", "animals-02"));
            }
            for (String q : List.of("penguins lagoon", "zorblat0042", "extra document", "Winter im Herbst",
                    "comet vapour tail", SampleCorpus.broadQuery())) {
                List<RetrievedChunk> e = exact.retrieve(q, 10);
                List<RetrievedChunk> g = graph.retrieve(q, 10);
                assertThat(docIds(g)).as("graph vs exact for '%s'", q).isEqualTo(docIds(e));
                for (int i = 0; i < e.size(); i++) {
                    assertThat(g.get(i).score()).isCloseTo(e.get(i).score(), within(1e-6));
                }
            }
            assertThat(docIds(graph.retrieve("extra document 7", 400))).doesNotContain("extra-7", "animals-02")
                    .hasSize(330);
        }
    }

    @Test
    void aZeroVectorLeavesTheChunkIndexedButWithoutAVector() {
        CountingEmbedder voids = new CountingEmbedder(new HashingEmbedder(), v -> v);
        Embedder zeroForVoid = new Embedder() {
            @Override
            public String name() {
                return voids.name();
            }

            @Override
            public int dimensions() {
                return voids.dimensions();
            }

            @Override
            public List<float[]> embed(List<String> texts) {
                List<float[]> out = new ArrayList<>(voids.embed(texts));
                for (int i = 0; i < texts.size(); i++) {
                    if (texts.get(i).contains("void")) {
                        out.set(i, new float[dimensions()]);
                    }
                }
                return out;
            }
        };
        Document empty = Document.builder("empty").title("Void").text("void of meaning").build();
        try (VectorRetriever vector = VectorRetriever.builder().embedder(zeroForVoid).build();
             HybridRetriever hybrid = HybridRetriever.builder().embedder(zeroForVoid).build()) {
            for (Retriever r : List.of(vector, hybrid)) {
                r.upsert(SampleCorpus.documents());
                r.upsert(List.of(empty));
                assertThat(r.count()).isEqualTo(33);
            }
            assertThat(docIds(vector.retrieve("meaning", 100))).hasSize(32).doesNotContain("empty");
            assertThat(vector.retrieve("void", 10)).as("a zero query vector finds nothing").isEmpty();
            assertThat(docIds(hybrid.retrieve("void", 10))).as("bm25 still finds it").containsExactly("empty");
        }
    }

    @Test
    void aMisbehavingEmbedderFailsTheUpsertAndWritesNothing() {
        List<Map.Entry<String, UnaryOperator<float[]>>> faults = List.of(
                Map.entry("3 dimensions", v -> new float[3]),
                Map.entry("NaN", v -> {
                    float[] bad = v.clone();
                    bad[5] = Float.NaN;
                    return bad;
                }),
                Map.entry("Infinity", v -> {
                    float[] bad = v.clone();
                    bad[0] = Float.POSITIVE_INFINITY;
                    return bad;
                }));
        for (Map.Entry<String, UnaryOperator<float[]>> fault : faults) {
            CountingEmbedder broken = new CountingEmbedder(new HashingEmbedder(), fault.getValue());
            try (VectorRetriever r = VectorRetriever.builder().embedder(broken).build()) {
                assertThatThrownBy(() -> r.upsert(SampleCorpus.documents())).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("test-hashing-512").hasMessageContaining(fault.getKey());
                assertThat(r.count()).isZero();
                assertThatThrownBy(() -> r.retrieve("penguins", 10)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("the query");
            }
        }
        Embedder throwing = new HashingEmbedder() {
            @Override
            public List<float[]> embed(List<String> texts) {
                throw new IllegalStateException("model crashed");
            }
        };
        try (VectorRetriever r = VectorRetriever.builder().embedder(throwing).build()) {
            assertThatThrownBy(() -> r.upsert(SampleCorpus.documents())).hasMessageContaining("model crashed");
            assertThat(r.count()).isZero();
        }
        Embedder shortAnswer = new HashingEmbedder() {
            @Override
            public List<float[]> embed(List<String> texts) {
                return super.embed(texts.subList(0, texts.size() - 1));
            }
        };
        try (VectorRetriever r = VectorRetriever.builder().embedder(shortAnswer).build()) {
            assertThatThrownBy(() -> r.upsert(SampleCorpus.documents())).hasMessageContaining("31 vectors for 32 texts");
        }
    }

    @Test
    void hitsCarryThePassageSharingMostWithTheQueryUnlessHighlightsAreOff() {
        Document two = Document.builder("two").title("Two sentences")
                .text("The first sentence is about cats. The second one is about penguins and ice.").build();
        try (VectorRetriever r = VectorRetriever.builder().embedder(new HashingEmbedder()).build();
             Retriever plain = Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "highlight", "false"))) {
            r.upsert(List.of(two));
            plain.upsert(List.of(two));
            assertThat(r.retrieve("penguins", 1).get(0).highlight()).isEqualTo("The second one is about penguins and ice.");
            assertThat(r.retrieve("zzzz", 1).get(0).highlight()).isEqualTo("The first sentence is about cats.");
            assertThat(plain.retrieve("penguins", 1).get(0).highlight()).isNull();
        }
    }

    // ----------------------------------------------------------------------------------- options and errors

    @Test
    void theEmbedderComesFromAServiceOrByName() {
        int created = HashingEmbedderProvider.CREATED.get();
        int closed = HashingEmbedderProvider.CLOSED.get();
        Retriever byName = Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME));
        assertThat(HashingEmbedderProvider.CREATED.get()).isEqualTo(created + 1);
        assertThat(((VectorRetriever) byName).embedderName()).isEqualTo(HashingEmbedder.NAME);
        assertThat(((VectorRetriever) byName).dimensions()).isEqualTo(512);
        byName.close();
        byName.close();
        assertThat(HashingEmbedderProvider.CLOSED.get()).as("an embedder created by name is closed, once")
                .isEqualTo(closed + 1);

        CountingEmbedder service = CountingEmbedder.hashing();
        try (Retriever r = Retrievers.create("vector", ProviderOptions.builder().service(Embedder.class, service).build())) {
            r.upsert(List.of(SampleCorpus.document("space-04")));
            assertThat(service.texts).hasSize(1);
        }
        assertThat(service.closes).as("a service embedder stays the caller's").hasValue(0);
    }

    @Test
    void anEmbedderCreatedByNameIsClosedWhenOpeningFails(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        int closed = HashingEmbedderProvider.CLOSED.get();
        for (String provider : List.of("vector", "hybrid")) {
            assertThatThrownBy(() -> Retrievers.create(provider, Map.of("embedder", HashingEmbedder.NAME,
                    "index", file.toString()))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a directory");
        }
        assertThat(HashingEmbedderProvider.CLOSED.get()).isEqualTo(closed + 2);
    }

    @Test
    void badOptionsAreErrorsNamingWhatIsWrong() {
        assertThatThrownBy(() -> Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "k1", "1.2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option [k1]");
        assertThatThrownBy(() -> Retrievers.create("vector", Map.of("embedder", "nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no embedder named 'nope'")
                .hasMessageContaining(HashingEmbedder.NAME);
        // without the option: the default embedder, from llama-embeddings-onnx (a test dependency here)
        try (VectorRetriever byDefault = (VectorRetriever) Retrievers.create("vector", Map.of())) {
            assertThat(byDefault.embedderName()).isEqualTo("all-minilm-l6-v2-q");
        }
        assertThatThrownBy(() -> Retrievers.create("vector", Map.of("embedder", " ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> Retrievers.create("vector", ProviderOptions.builder().put("embedder", HashingEmbedder.NAME)
                .service(Embedder.class, new HashingEmbedder()).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pass only one");
        assertThatThrownBy(() -> Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "exact-below", "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exact-below");
        assertThatThrownBy(() -> Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "ef-search", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ef-search");
        assertThatThrownBy(() -> Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "ef-search", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ef-search");
        assertThatThrownBy(() -> Retrievers.create("vector", Map.of("embedder", HashingEmbedder.NAME, "chunk-tokens", "9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'vector'")
                .hasMessageContaining("chunking=sentence");
        assertThatThrownBy(() -> VectorRetriever.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("embedder");
        assertThatThrownBy(() -> VectorRetriever.builder().embedder(new HashingEmbedder("huge", 2048)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048 dimensions")
                .hasMessageContaining("1 to 1024");
        assertThatThrownBy(() -> VectorRetriever.builder().embedder(new HashingEmbedder(" ", 8)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no name");
    }

    @Test
    void aClosedRetrieverNeitherSearchesNorEmbeds() {
        CountingEmbedder counting = CountingEmbedder.hashing();
        VectorRetriever r = withCorpus(counting);
        r.close();
        r.close();
        counting.reset();
        assertThatThrownBy(() -> r.retrieve("penguins", 10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vector retriever is closed");
        assertThatThrownBy(() -> r.upsert(SampleCorpus.documents())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(r::count).isInstanceOf(IllegalStateException.class);
        assertThat(counting.calls).hasValue(0);
        assertThat(counting.queries).hasValue(0);
    }
}
