package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.chunk.SentenceChunker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class KeywordRetrieverTest {

    /** The seed guide's four documents, in its order. */
    static final List<String> SEED_DOCS = List.of(
            "Paris is the capital and most populous city of France. It has an estimated population of 2,175,601 residents as of 2018, and is one of Europe's major centers of finance, diplomacy, commerce, fashion, and arts.",
            "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. It is named after the engineer Gustave Eiffel, whose company designed and built the tower from 1887 to 1889.",
            "The Louvre Museum is the world's largest art museum and a historic monument in Paris, France. A central landmark of the city, it is located on the Right Bank of the Seine.",
            "Lyon is the third-largest city of France. It is located at the confluence of the rivers Rhône and Saône, about 470 km south of Paris.");

    static KeywordRetriever seeded() {
        KeywordRetriever r = KeywordRetriever.create();
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < SEED_DOCS.size(); i++) {
            docs.add(Document.of("doc" + i, SEED_DOCS.get(i)));
        }
        r.upsert(docs);
        return r;
    }

    static List<String> ids(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId() + "=" + (int) h.score()).toList();
    }

    @Test
    void theSeedExampleRanksAsInPython() {
        // keywords: what, is, the, eiffel, tower, named, after?  ("after?" keeps its question mark: no document has it)
        // doc0: is, the -> 2 ("what" no) ; doc1: is, the, eiffel, tower, named -> 5 ; doc2: is, the -> 2 ; doc3: is, the -> 2
        try (KeywordRetriever r = seeded()) {
            List<RetrievedChunk> all = r.retrieve("What is the Eiffel Tower named after?", 10);
            assertThat(ids(all)).containsExactly("doc1=5", "doc0=2", "doc2=2", "doc3=2");
            assertThat(ids(r.retrieve("What is the Eiffel Tower named after?", 2))).containsExactly("doc1=5", "doc0=2");
            RetrievedChunk top = all.get(0);
            assertThat(top.rank()).isEqualTo(1);
            assertThat(top.retriever()).isEqualTo("keyword");
            assertThat(top.highlightIfAny()).isEmpty();
            assertThat(top.chunk()).isEqualTo(Chunk.whole(Document.of("doc1", SEED_DOCS.get(1))));
            assertThat(all).extracting(RetrievedChunk::rank).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void substringsCountOncePerQueryWordAndRepeatedQueryWordsCountAgain() {
        try (KeywordRetriever r = KeywordRetriever.create()) {
            r.upsert(List.of(Document.of("a", "This thistle is this."), Document.of("b", "nothing here")));
            // "is" is inside "this": one keyword, one point, however many occurrences
            assertThat(ids(r.retrieve("IS", 10))).containsExactly("a=1");
            assertThat(ids(r.retrieve("is is is", 10))).containsExactly("a=3");
            assertThat(ids(r.retrieve("this.", 10))).containsExactly("a=1");
            assertThat(ids(r.retrieve("this?", 10))).isEmpty();
            assertThat(ids(r.retrieve("here THIS", 10))).containsExactly("a=1", "b=1");
        }
    }

    @Test
    void zeroScoresAndEmptyQueriesReturnNothing() {
        try (KeywordRetriever r = seeded()) {
            assertThat(r.retrieve("zebra", 10)).isEmpty();
            assertThat(r.retrieve("", 10)).isEmpty();
            assertThat(r.retrieve(" \t\n\u00a0\u3000", 10)).isEmpty();
        }
        try (KeywordRetriever empty = KeywordRetriever.create()) {
            assertThat(empty.retrieve("paris", 10)).isEmpty();
            assertThat(empty.count()).isZero();
        }
    }

    @Test
    void splitsOnPythonWhitespaceAndLowerCasesLikePython() {
        assertThat(KeywordRetriever.keywords("  A\u00a0b\u2007C\u202fd\u0085e\u3000f\tg\r\nh\u001ci  "))
                .containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i");
        assertThat(KeywordRetriever.keywords("ÉCOLE Straße ΟΔΟΣ")).containsExactly("école", "straße", "οδος");
        assertThat(KeywordRetriever.keywords("ΟΔΟΣ.")).containsExactly("οδος."); // final sigma before punctuation
        assertThat(KeywordRetriever.keywords("\u200bzero-width")).containsExactly("\u200bzero-width"); // not a space
        assertThat(KeywordRetriever.score(List.of("école", "naïve"), "L'ÉCOLE NAÏVE")).isEqualTo(2);
    }

    @Test
    void tiesKeepInsertionOrderAndTopKCuts() {
        try (KeywordRetriever r = KeywordRetriever.create()) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                docs.add(Document.of("d" + i, i % 3 == 0 ? "apple banana" : "apple"));
            }
            r.upsert(docs);
            List<RetrievedChunk> hits = r.retrieve("apple banana", 12);
            assertThat(ids(hits)).containsExactly("d0=2", "d3=2", "d6=2", "d9=2", "d12=2", "d15=2", "d18=2", "d21=2",
                    "d24=2", "d27=2", "d1=1", "d2=1");
            assertThat(ids(r.retrieve("apple", 3))).containsExactly("d0=1", "d1=1", "d2=1");
            // replacing keeps the place; delete + add moves to the end
            r.upsert(List.of(Document.of("d0", "apple again")));
            assertThat(ids(r.retrieve("apple", 2))).containsExactly("d0=1", "d1=1");
            r.delete(List.of("d0"));
            r.upsert(List.of(Document.of("d0", "apple")));
            assertThat(ids(r.retrieve("apple", 30)).get(29)).isEqualTo("d0=1");
        }
    }

    @Test
    void titleIsMatchedWithTheTextButNotAcrossThem() {
        try (KeywordRetriever r = KeywordRetriever.create()) {
            r.upsert(List.of(Document.builder("t").title("Gustave Eiffel").text("engineer of the tower").build(),
                    Document.builder("only-title").title("Lonely title").text("").build()));
            assertThat(ids(r.retrieve("gustave tower", 10))).containsExactly("t=2");
            assertThat(ids(r.retrieve("eiffelengineer", 10))).isEmpty();
            assertThat(ids(r.retrieve("lonely", 10))).containsExactly("only-title=1");
        }
    }

    @Test
    void upsertReplacesDeleteRemovesAndCountCountsDocuments() {
        try (KeywordRetriever r = seeded()) {
            assertThat(r.count()).isEqualTo(4);
            r.upsert(List.of(Document.of("doc1", "Now about bridges only.")));
            assertThat(r.count()).isEqualTo(4);
            assertThat(ids(r.retrieve("eiffel", 10))).isEmpty();
            assertThat(ids(r.retrieve("bridges", 10))).containsExactly("doc1=1");
            r.delete(List.of("doc1", "unknown"));
            assertThat(r.count()).isEqualTo(3);
            assertThat(r.retrieve("bridges", 10)).isEmpty();
            r.delete(List.of());
            // the same id twice in one batch: the last wins
            r.upsert(List.of(Document.of("x", "first"), Document.of("x", "second")));
            assertThat(r.count()).isEqualTo(4);
            assertThat(r.retrieve("first", 10)).isEmpty();
            assertThat(ids(r.retrieve("second", 10))).containsExactly("x=1");
        }
    }

    @Test
    void metadataFiltersApplyBeforeRanking() {
        try (KeywordRetriever r = KeywordRetriever.create()) {
            r.upsert(List.of(Document.builder("a").text("paris paris").metadata("lang", "en").metadata("year", "2018").build(),
                    Document.builder("b").text("paris").metadata("lang", "fr").build(),
                    Document.builder("c").text("paris").build()));
            assertThat(ids(r.retrieve(RetrievalQuery.builder("paris").topK(1).filter("lang", "fr").build())))
                    .containsExactly("b=1");
            assertThat(ids(r.retrieve(RetrievalQuery.builder("paris").filter("lang", "fr", "en").build())))
                    .containsExactly("a=1", "b=1");
            assertThat(ids(r.retrieve(RetrievalQuery.builder("paris").filter("lang", "en").filter("year", "2019").build())))
                    .isEmpty();
            assertThat(ids(r.retrieve(RetrievalQuery.builder("paris").filter("missing", "x").build()))).isEmpty();
        }
    }

    @Test
    void withSentenceChunkingEachChunkIsScored() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("Sentence number ").append(i).append(i == 33 ? " mentions the zeppelin." : " is plain.").append(' ');
        }
        Document doc = Document.builder("long").title("Airships").text(sb.toString()).metadata("k", "v").build();
        try (KeywordRetriever r = KeywordRetriever.builder().chunker(SentenceChunker.of(30, 0)).build()) {
            r.upsert(List.of(doc));
            assertThat(r.count()).isEqualTo(1);
            assertThat(r.retrieve("zeppelin", 100)).hasSize(1);
            List<RetrievedChunk> hits = r.retrieve("zeppelin airships", 100);
            Chunk c = hits.get(0).chunk();
            assertThat(c.text()).contains("zeppelin").isEqualTo(doc.text().substring(c.start(), c.end()));
            assertThat(c.id()).isEqualTo("long#" + c.index());
            assertThat(hits.get(0).score()).isEqualTo(2.0);
            // the title is matched with every chunk: the others follow with 1, in chunk order
            assertThat(hits).hasSizeGreaterThan(3);
            assertThat(hits.subList(1, hits.size())).allSatisfy(h -> assertThat(h.score()).isEqualTo(1.0))
                    .extracting(h -> h.chunk().index()).isSorted();
        }
    }

    @Test
    void theProviderCreatesItByNameWithChunkingOptions() {
        assertThat(Retrievers.available()).contains("keyword");
        try (Retriever r = Retrievers.create("keyword", Map.of())) {
            assertThat(r).isInstanceOf(KeywordRetriever.class);
            assertThat(r.name()).isEqualTo("keyword");
        }
        try (Retriever r = Retrievers.create("keyword", Map.of("chunking", "sentence", "chunk-tokens", "64",
                "chunk-overlap", "8"))) {
            assertThat(((KeywordRetriever) r).chunker()).isInstanceOfSatisfying(SentenceChunker.class, s -> {
                assertThat(s.targetTokens()).isEqualTo(64);
                assertThat(s.overlapTokens()).isEqualTo(8);
            });
        }
        assertThatThrownBy(() -> Retrievers.create("keyword", Map.of("chunk-size", "64")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk-size")
                .hasMessageContaining("chunking");
        assertThatThrownBy(() -> Retrievers.create("keyword", Map.of("chunking", "words")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none or sentence");
    }

    @Test
    void aClosedRetrieverFailsClearly() {
        KeywordRetriever r = seeded();
        r.close();
        r.close();
        assertThatThrownBy(() -> r.retrieve("paris", 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(r::count).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> r.upsert(List.of(Document.of("a", "b")))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readsDuringWritesSeeConsistentResults() throws Exception {
        try (KeywordRetriever r = KeywordRetriever.create()) {
            // pairs "p<i>a"/"p<i>b" are always upserted together: a search must see both or neither
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                Future<?> writer = pool.submit(() -> {
                    for (int i = 0; i < 400; i++) {
                        r.upsert(List.of(Document.of("p" + i + "a", "shared pair" + i), Document.of("p" + i + "b", "shared pair" + i)));
                        if (i % 3 == 0) {
                            r.delete(List.of("p" + (i / 2) + "a", "p" + (i / 2) + "b"));
                        }
                    }
                    stop.set(true);
                });
                List<Future<?>> readers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    readers.add(pool.submit(() -> {
                        while (!stop.get()) {
                            List<RetrievedChunk> hits = r.retrieve("shared", 10_000);
                            assertThat(hits.size() % 2).isZero();
                            assertThat(hits).extracting(RetrievedChunk::rank).isSorted();
                        }
                    }));
                }
                writer.get(30, TimeUnit.SECONDS);
                for (Future<?> f : readers) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(r.count() % 2).isZero();
        }
    }
}
