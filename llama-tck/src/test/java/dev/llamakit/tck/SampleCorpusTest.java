package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.retrieval.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The properties of {@link SampleCorpus} that {@link RetrieverContract}'s rules rely on. */
class SampleCorpusTest {
    /** Lucene's English stop words (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), which BM25 drops from queries. */
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by", "for",
            "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then",
            "there", "these", "they", "this", "to", "was", "will", "with");

    private static String searchable(Document d) {
        return (d.title() + " " + d.text()).toLowerCase(Locale.ROOT);
    }

    @Test
    @DisplayName("32 documents: 8 per topic, 2 of them German, all with title, text, lang, topic and a distinct id")
    void shape() {
        List<Document> docs = SampleCorpus.documents();
        assertThat(docs).hasSize(32);
        assertThat(SampleCorpus.ids()).doesNotHaveDuplicates();
        for (String topic : SampleCorpus.TOPICS) {
            assertThat(SampleCorpus.idsWhere(SampleCorpus.TOPIC, topic)).hasSize(8);
            assertThat(docs.stream().filter(d -> d.metadata().get(SampleCorpus.TOPIC).equals(topic)
                    && d.metadata().get(SampleCorpus.LANG).equals("de"))).hasSize(2);
        }
        for (Document d : docs) {
            assertThat(d.title()).isNotBlank();
            assertThat(d.text()).isNotBlank();
            assertThat(d.metadata().keySet()).containsExactlyInAnyOrder(SampleCorpus.LANG, SampleCorpus.TOPIC);
            assertThat(d.metadata().get(SampleCorpus.LANG)).isIn("en", "de");
            assertThat(d.source()).isPresent();
        }
        assertThat(SampleCorpus.documents()).isSameAs(docs);
    }

    @Test
    @DisplayName("every marker is a lower-case word of its document's text, in no other text even as part of a word, and no stop word")
    void markersAreUnique() {
        List<String> others = new ArrayList<>();
        others.add(SampleCorpus.longDocument("long").text().toLowerCase(Locale.ROOT));
        for (Document d : SampleCorpus.documents()) {
            List<String> markers = SampleCorpus.markers(d.id());
            assertThat(markers).as("markers of %s", d.id()).hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates();
            for (String m : markers) {
                assertThat(m).as("marker of %s", d.id()).isEqualTo(m.toLowerCase(Locale.ROOT)).matches("\\p{L}+");
                assertThat(STOP_WORDS).doesNotContain(m);
                assertThat(TermOverlapRetriever.terms(d.text())).as("words of %s", d.id()).contains(m);
                for (Document other : SampleCorpus.documents()) {
                    if (!other.id().equals(d.id())) {
                        assertThat(searchable(other)).as("%s holds %s's marker '%s'", other.id(), d.id(), m).doesNotContain(m);
                    }
                }
                for (String text : others) {
                    assertThat(text).doesNotContain(m);
                }
            }
        }
    }

    @Test
    @DisplayName("the contract's generated words and the missing word occur nowhere in the corpus")
    void generatedWordsAreForeign() {
        for (Document d : SampleCorpus.documents()) {
            for (String w : List.of("oldmark", "newmark", "zorblat", "venver", "xylophone", SampleCorpus.NOWHERE, "extra")) {
                assertThat(searchable(d)).as("%s holds '%s'", d.id(), w).doesNotContain(w);
            }
        }
        assertThat(SampleCorpus.generatedWord("zorblat", 7)).isEqualTo("zorblat0007");
        List<String> words = IntStream.range(0, 150).mapToObj(i -> SampleCorpus.generatedWord("oldmark", i)).toList();
        for (String w : words) {
            assertThat(words.stream().filter(o -> o.contains(w))).as("words containing %s", w).hasSize(1);
        }
    }

    @Test
    @DisplayName("the broad query holds one marker of every document")
    void broadQuery() {
        List<String> words = List.of(SampleCorpus.broadQuery().split(" "));
        assertThat(words).hasSize(32);
        for (Document d : SampleCorpus.documents()) {
            assertThat(words.stream().filter(w -> searchable(d).contains(w))).as("words of the broad query in %s", d.id())
                    .containsExactly(SampleCorpus.marker(d.id()));
        }
    }

    @Test
    @DisplayName("the long document has 150 sentences of about 50 characters, one oldmark word each")
    void longDocument() {
        Document d = SampleCorpus.longDocument("long-x");
        assertThat(d.id()).isEqualTo("long-x");
        assertThat(d.text().length()).isBetween(7_000, 9_000);
        assertThat(new TermOverlapRetriever("t", TermOverlapRetriever.Chunking.SENTENCES).chunk(d)).hasSize(150);
        assertThat(d.text()).contains("oldmark0000").contains("oldmark0149").doesNotContain("oldmark0150");
    }
}
