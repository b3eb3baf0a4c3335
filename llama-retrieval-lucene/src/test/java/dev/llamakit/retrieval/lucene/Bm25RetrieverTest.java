package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.spi.ProviderOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.junit.jupiter.api.Test;

class Bm25RetrieverTest {

    static final List<Document> CORPUS = List.of(
            Document.builder("d1").title("Smoking and lung cancer")
                    .text("Tobacco smoke causes lung cancer. The risk grows with the number of cigarettes.")
                    .metadata("lang", "en").metadata("year", "2001").build(),
            Document.builder("d2").title("Mouse models")
                    .text("Mice exposed to smoke developed tumours. Controls did not.")
                    .metadata("lang", "en").metadata("year", "2010").build(),
            Document.builder("d3").title("Cancer de poumon")
                    .text("Le tabac est la cause principale du cancer du poumon.")
                    .metadata("lang", "fr").metadata("year", "2010").build(),
            Document.builder("d4").title("Gardening")
                    .text("Tomatoes need sun and water. Prune them in July.")
                    .metadata("lang", "en").build());

    /** Splits the text on '|' into chunks, with offsets. */
    static final Chunker PIPE_CHUNKER = document -> {
        List<Chunk> chunks = new ArrayList<>();
        String text = document.text();
        int start = 0;
        int index = 0;
        while (start <= text.length()) {
            int end = text.indexOf('|', start);
            if (end < 0) {
                end = text.length();
            }
            chunks.add(new Chunk(Chunk.idOf(document.id(), index), document.id(), index, document.title(),
                    text.substring(start, end), start, end, document.metadata()));
            index++;
            start = end + 1;
        }
        return chunks;
    };

    static Bm25Retriever withCorpus() {
        Bm25Retriever r = Bm25Retriever.inMemory();
        r.upsert(CORPUS);
        return r;
    }

    static List<String> docIds(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().documentId()).toList();
    }

    @Test
    void analyzerIsAnserinis() {
        Bm25Analyzer a = new Bm25Analyzer();
        assertThat(a.terms("f", "The Dog's owners were RUNNING quickly to the hospital, weren't they?"))
                .containsExactly("dog", "owner", "were", "run", "quickli", "hospit", "weren't"); // "they" is a stop word
        assertThat(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET).hasSize(33);
        assertThat(new Bm25Analyzer(Bm25Analyzer.Stemmer.NONE, false).terms("f", "The runners' shoes"))
                .containsExactly("the", "runners", "shoes");
        assertThat(a.describe()).isEqualTo("standard+possessive+lowercase+stop+porter");
    }

    @Test
    void findsAndRanksWithChunksRebuiltFromTheIndex() {
        try (Bm25Retriever r = withCorpus()) {
            List<RetrievedChunk> hits = r.retrieve("lung cancer from smoking", 10);
            assertThat(docIds(hits)).startsWith("d1").contains("d2").doesNotContain("d4");
            assertThat(hits).extracting(RetrievedChunk::rank).containsExactly(
                    java.util.stream.IntStream.rangeClosed(1, hits.size()).boxed().toArray(Integer[]::new));
            assertThat(hits).extracting(RetrievedChunk::retriever).containsOnly("bm25");
            for (int i = 1; i < hits.size(); i++) {
                assertThat(hits.get(i).score()).isLessThanOrEqualTo(hits.get(i - 1).score());
            }
            Chunk top = hits.get(0).chunk();
            Document d1 = CORPUS.get(0);
            assertThat(top).isEqualTo(new Chunk("d1#0", "d1", 0, d1.title(), d1.text(), 0, d1.text().length(),
                    Map.of("lang", "en", "year", "2001")));
            assertThat(r.count()).isEqualTo(4);
            assertThat(r.retrieve("cancer", 1)).hasSize(1);
        }
    }

    @Test
    void eachDistinctQueryTermIsOneShouldClauseBoostedByItsCount() {
        try (Bm25Retriever r = Bm25Retriever.inMemory()) {
            Query q = r.toLuceneQuery("Cancer, cancer and MICE: the mouse");
            assertThat(q).isInstanceOf(BooleanQuery.class);
            List<BooleanClause> clauses = ((BooleanQuery) q).clauses();
            assertThat(clauses).extracting(BooleanClause::getOccur).containsOnly(BooleanClause.Occur.SHOULD);
            assertThat(clauses).extracting(c -> c.getQuery().toString())
                    .containsExactly("(contents:cancer)^2.0", "(contents:mice)^1.0", "(contents:mous)^1.0");
            BoostQuery first = (BoostQuery) clauses.get(0).getQuery();
            assertThat(first.getQuery()).isInstanceOf(TermQuery.class);
            assertThat(r.toLuceneQuery("the of and")).isNull();
        }
    }

    @Test
    void repeatingAQueryTermWeighsIt() {
        try (Bm25Retriever r = withCorpus()) {
            double once = r.retrieve("tumours smoke", 10).stream().filter(h -> h.chunk().documentId().equals("d2"))
                    .findFirst().orElseThrow().score();
            double twice = r.retrieve("tumours tumours smoke", 10).stream()
                    .filter(h -> h.chunk().documentId().equals("d2")).findFirst().orElseThrow().score();
            assertThat(twice).isGreaterThan(once);
        }
    }

    @Test
    void queriesWithoutTermsFindNothing() {
        try (Bm25Retriever r = withCorpus()) {
            for (String q : List.of("", "   ", "the of and to a", "!!! ??? ...", "--- *** ///", "'s")) {
                assertThat(r.retrieve(q, 10)).as("query '%s'", q).isEmpty();
            }
        }
    }

    @Test
    void querySyntaxIsPlainText() {
        try (Bm25Retriever r = withCorpus()) {
            for (String q : List.of("lung AND (cancer OR mice)", "title:cancer", "\"unclosed phrase", "cancer~2",
                    "canc*", "+cancer -mice", "cancer^10", "[a TO z]", "{x}", "a\\b / c", "NOT", "&& || !", "?")) {
                r.retrieve(q, 10); // never a parse error
            }
            assertThat(docIds(r.retrieve("title: cancer", 10))).contains("d1", "d3");
            assertThat(docIds(r.retrieve("(cancer)", 10))).contains("d1", "d3");
            // as in Anserini, the standard tokenizer keeps letters joined by a colon as one word
            assertThat(r.retrieve("title:cancer", 10)).isEmpty();
            assertThat(docIds(r.retrieve("+mice -smoke", 10))).first().isEqualTo("d2");
        }
    }

    @Test
    void upsertReplacesAllChunksOfADocument() {
        try (Bm25Retriever r = Bm25Retriever.builder().chunker(PIPE_CHUNKER).build()) {
            r.upsert(List.of(Document.builder("a").title("A").text("alpha one|beta two|gamma three").build(),
                    Document.of("b", "delta four")));
            assertThat(r.count()).isEqualTo(2);
            assertThat(r.stats().chunks()).isEqualTo(4);
            RetrievedChunk beta = r.retrieve("beta", 10).get(0);
            assertThat(beta.chunk().id()).isEqualTo("a#1");
            assertThat(beta.chunk().start()).isEqualTo(10);
            assertThat(beta.chunk().end()).isEqualTo(18);
            assertThat(beta.chunk().text()).isEqualTo("beta two");

            r.upsert(List.of(Document.builder("a").title("A").text("epsilon five").build()));
            assertThat(r.count()).isEqualTo(2);
            assertThat(r.stats().chunks()).isEqualTo(2);
            assertThat(r.retrieve("beta gamma alpha", 10)).isEmpty();
            assertThat(r.retrieve("epsilon", 10)).extracting(h -> h.chunk().id()).containsExactly("a#0");
        }
    }

    @Test
    void repeatedIdsInOneUpsertKeepTheLast() {
        try (Bm25Retriever r = Bm25Retriever.inMemory()) {
            r.upsert(List.of(Document.of("x", "first version"), Document.of("x", "second version")));
            assertThat(r.count()).isEqualTo(1);
            assertThat(r.retrieve("first", 10)).isEmpty();
            assertThat(r.retrieve("second", 10)).hasSize(1);
        }
    }

    @Test
    void deleteRemovesDocumentsAndIgnoresUnknownIds() {
        try (Bm25Retriever r = withCorpus()) {
            r.delete(List.of("d1", "nope"));
            assertThat(r.count()).isEqualTo(3);
            assertThat(docIds(r.retrieve("lung cancer smoking", 10))).doesNotContain("d1").contains("d2");
            r.delete(List.of());
            r.upsert(List.of());
            assertThat(r.count()).isEqualTo(3);
        }
    }

    @Test
    void emptyIndexFindsNothing() {
        try (Bm25Retriever r = Bm25Retriever.inMemory()) {
            assertThat(r.count()).isZero();
            assertThat(r.retrieve("cancer", 10)).isEmpty();
            assertThat(r.stats().totalTerms()).isZero();
        }
    }

    @Test
    void metadataFiltersApplyInsideTheSearch() {
        try (Bm25Retriever r = withCorpus()) {
            RetrievalQuery french = RetrievalQuery.builder("cancer poumon lung").filter("lang", "fr").build();
            assertThat(docIds(r.retrieve(french))).containsExactly("d3");

            RetrievalQuery years = RetrievalQuery.builder("cancer smoke").filter("year", "2001", "2010").build();
            assertThat(docIds(r.retrieve(years))).containsExactlyInAnyOrder("d1", "d2", "d3");

            RetrievalQuery both = RetrievalQuery.builder("cancer smoke").filter("year", "2010")
                    .filter("lang", "en").build();
            assertThat(docIds(r.retrieve(both))).containsExactly("d2");

            // a document that passes the filter but matches no query term is not a hit
            assertThat(r.retrieve(RetrievalQuery.builder("tomatoes").filter("year", "2010").build())).isEmpty();
            assertThat(r.retrieve(RetrievalQuery.builder("cancer").filter("lang", "de").build())).isEmpty();
            assertThat(r.retrieve(RetrievalQuery.builder("cancer").filter("missing", "x").build())).isEmpty();

            // many allowed values are one clause, not thousands
            String[] manyYears = java.util.stream.IntStream.range(0, 5000).mapToObj(Integer::toString)
                    .toArray(String[]::new);
            assertThat(docIds(r.retrieve(RetrievalQuery.builder("cancer smoke").filter("year", manyYears).build())))
                    .containsExactlyInAnyOrder("d1", "d2", "d3");

            // filtering does not change scores
            double unfiltered = r.retrieve("cancer poumon", 10).stream()
                    .filter(h -> h.chunk().documentId().equals("d3")).findFirst().orElseThrow().score();
            double filtered = r.retrieve(RetrievalQuery.builder("cancer poumon").filter("lang", "fr").build())
                    .get(0).score();
            assertThat(filtered).isEqualTo(unfiltered);
        }
    }

    @Test
    void hitsCarryTheirBestSentence() {
        try (Bm25Retriever r = withCorpus()) {
            RetrievedChunk hit = r.retrieve("number of cigarettes", 1).get(0);
            assertThat(hit.highlight()).isEqualTo("The risk grows with the number of cigarettes.");
            RetrievedChunk mice = r.retrieve("mouse tumour", 1).get(0);
            assertThat(mice.highlight()).isEqualTo("Mice exposed to smoke developed tumours.");
            // matched on its title only: the first sentence stands in
            RetrievedChunk garden = r.retrieve("gardening", 1).get(0);
            assertThat(garden.highlight()).isEqualTo("Tomatoes need sun and water.");
        }
        try (Bm25Retriever r = Bm25Retriever.builder().highlights(false).build()) {
            r.upsert(CORPUS);
            assertThat(r.retrieve("cancer", 10)).allSatisfy(h -> assertThat(h.highlight()).isNull());
        }
    }

    @Test
    void longSentencesAreCutAroundTheirMatch() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("word").append(i).append(' ');
        }
        text.append("needle and more ");
        for (int i = 0; i < 200; i++) {
            text.append("tail").append(i).append(' ');
        }
        try (Bm25Retriever r = Bm25Retriever.inMemory()) {
            r.upsert(List.of(Document.of("long", text.toString())));
            String h = r.retrieve("needle", 1).get(0).highlight();
            assertThat(h).contains("needle").startsWith("…").endsWith("…");
            assertThat(h.length()).isLessThanOrEqualTo(PassageFinder.MAX_CHARS + 2);
        }
    }

    @Test
    void stemmingAndStopWordsCanBeTurnedOff() {
        Document doc = Document.of("x", "The runners were running");
        try (Retriever porter = Retrievers.create("bm25", Map.of());
             Retriever none = Retrievers.create("bm25", Map.of("stemmer", "none", "stopwords", "false"))) {
            porter.upsert(List.of(doc));
            none.upsert(List.of(doc));
            assertThat(porter.retrieve("run", 10)).hasSize(1);
            assertThat(none.retrieve("run", 10)).isEmpty();
            assertThat(porter.retrieve("the", 10)).isEmpty();
            assertThat(none.retrieve("the", 10)).hasSize(1);
        }
    }

    @Test
    void multifieldWeighsTitleAndText() {
        List<Document> docs = List.of(Document.builder("t").title("Zebra").text("An animal with stripes.").build(),
                Document.builder("x").title("Horses").text("A zebra is not a horse, it has stripes.").build());
        try (Retriever even = Retrievers.create("bm25", Map.of("fields", "multifield"));
             Retriever titles = Retrievers.create("bm25", Map.of("fields", "multifield", "title-weight", "5"));
             Retriever texts = Retrievers.create("bm25", Map.of("fields", "multifield", "text-weight", "5",
                     "title-weight", "0.1"))) {
            for (Retriever r : List.of(even, titles, texts)) {
                r.upsert(docs);
            }
            assertThat(docIds(titles.retrieve("zebra", 10))).first().isEqualTo("t");
            assertThat(docIds(texts.retrieve("zebra", 10))).first().isEqualTo("x");
            assertThat(even.retrieve("zebra", 10)).hasSize(2);
        }
    }

    @Test
    void optionsAreChecked() {
        assertThat(Retrievers.available()).contains("bm25");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("k3", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k3").hasMessageContaining("k1");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("title-weight", "2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multifield");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("stemmer", "krovetz")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("porter or none");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("fields", "both")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flat or multifield");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("b", "1.5")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b must be between 0 and 1");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("k1", "-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k1");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("chunking", "paragraph")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none or sentence");
        assertThatThrownBy(() -> Retrievers.create("bm25", Map.of("chunk-tokens", "50")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunking=sentence");
        assertThatThrownBy(() -> Retrievers.create("bm25", ProviderOptions.builder().put("chunk-tokens", "50")
                .service(Chunker.class, PIPE_CHUNKER).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service");
        try (Retriever r = Retrievers.create("bm25", Map.of("k1", "1.2", "b", "0.75"))) {
            assertThat(((Bm25Retriever) r).k1()).isEqualTo(1.2f);
            assertThat(((Bm25Retriever) r).b()).isEqualTo(0.75f);
        }
    }

    @Test
    void sentenceChunkingSplitsLongDocuments() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append("Sentence number ").append(i).append(" talks about topic").append(i).append(". ");
        }
        Document doc = Document.builder("long").title("Long").text(text.toString().strip()).build();
        try (Retriever r = Retrievers.create("bm25", Map.of("chunking", "sentence", "chunk-tokens", "40",
                "chunk-overlap", "0"))) {
            r.upsert(List.of(doc));
            assertThat(r.count()).isEqualTo(1);
            assertThat(((Bm25Retriever) r).stats().chunks()).isGreaterThan(3);
            RetrievedChunk hit = r.retrieve("topic37", 1).get(0);
            assertThat(hit.chunk().index()).isPositive();
            assertThat(hit.chunk().text()).contains("topic37");
            assertThat(doc.text().substring(hit.chunk().start(), hit.chunk().end())).isEqualTo(hit.chunk().text());
            assertThat(hit.highlight()).isEqualTo("Sentence number 37 talks about topic37.");
        }
    }

    @Test
    void aChunkerServiceIsUsedForSentenceChunking() {
        for (ProviderOptions options : List.of(
                ProviderOptions.builder().put("chunking", "sentence").service(Chunker.class, PIPE_CHUNKER).build(),
                ProviderOptions.builder().service(Chunker.class, PIPE_CHUNKER).build())) {
            try (Retriever r = Retrievers.create("bm25", options)) {
                r.upsert(List.of(Document.of("a", "one|two|three")));
                assertThat(r.retrieve("two", 10)).extracting(h -> h.chunk().id()).containsExactly("a#1");
                assertThat(r.count()).isEqualTo(1);
            }
        }
        ProviderOptions none = ProviderOptions.builder().put("chunking", "none")
                .service(Chunker.class, PIPE_CHUNKER).build();
        try (Retriever r = Retrievers.create("bm25", none)) {
            r.upsert(List.of(Document.of("a", "one|two|three")));
            assertThat(r.retrieve("two", 10)).extracting(h -> h.chunk().id()).containsExactly("a#0");
        }
    }

    @Test
    void aChunkerThatFailsChangesNothing() {
        Chunker failing = d -> {
            if (d.id().equals("bad")) {
                throw new IllegalStateException("boom");
            }
            return List.of(Chunk.whole(d));
        };
        try (Bm25Retriever r = Bm25Retriever.builder().chunker(failing).build()) {
            assertThatThrownBy(() -> r.upsert(List.of(Document.of("good", "text"), Document.of("bad", "text"))))
                    .hasMessageContaining("boom");
            assertThat(r.count()).isZero();
        }
    }

    @Test
    void oversizedIdsOrMetadataValuesFailBeforeAnythingIsWritten() {
        try (Bm25Retriever r = Bm25Retriever.inMemory()) {
            Document big = Document.builder("big").text("text").metadata("blob", "x".repeat(40_000)).build();
            assertThatThrownBy(() -> r.upsert(List.of(Document.of("ok", "fine"), big)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata 'blob'");
            assertThatThrownBy(() -> r.upsert(List.of(Document.of("y".repeat(40_000), "text"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk id");
            assertThat(r.count()).isZero();
        }
    }

    @Test
    void closedRetrieverRefusesWork() {
        Bm25Retriever r = withCorpus();
        r.close();
        r.close(); // idempotent
        assertThatThrownBy(() -> r.retrieve("cancer", 10)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(r::count).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> r.upsert(CORPUS)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void veryLongQueriesAreTruncatedNotRejected() {
        StringBuilder q = new StringBuilder("cancer ");
        for (int i = 0; i < 3000; i++) {
            q.append("term").append(i).append(' ');
        }
        try (Bm25Retriever r = withCorpus()) {
            assertThat(docIds(r.retrieve(q.toString(), 10))).contains("d1");
        }
        try (Retriever r = Retrievers.create("bm25", Map.of("fields", "multifield"))) {
            r.upsert(CORPUS);
            r.retrieve(RetrievalQuery.builder(q.toString()).filter("lang", "en").build());
        }
    }
}
