package dev.llamakit.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The validation and value semantics of the retrieval model: {@link RetrievalQuery}, {@link Document}, {@link Chunk}, {@link RetrievedChunk}. */
class RetrievalValidationTest {

    @Nested
    @DisplayName("RetrievalQuery")
    class Queries {
        @Test
        @DisplayName("of(text, topK) holds both and no filters; the builder defaults to topK 10")
        void basics() {
            RetrievalQuery q = RetrievalQuery.of("llamas", 3);
            assertThat(q.text()).isEqualTo("llamas");
            assertThat(q.topK()).isEqualTo(3);
            assertThat(q.filters()).isEmpty();
            assertThat(RetrievalQuery.builder("x").build().topK()).isEqualTo(10);
            assertThat(q.toString()).contains("llamas").contains("topK=3");
        }

        @Test
        @DisplayName("topK is 1 to 10,000")
        void topKRange() {
            for (int bad : new int[] {0, -1, 10_001, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> RetrievalQuery.of("x", bad)).as("topK %d", bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("topK must be between 1 and 10000, got " + bad);
            }
            assertThat(RetrievalQuery.of("x", 1).topK()).isEqualTo(1);
            assertThat(RetrievalQuery.of("x", 10_000).topK()).isEqualTo(10_000);
        }

        @Test
        @DisplayName("the text may be empty or odd but not null")
        void text() {
            assertThatThrownBy(() -> RetrievalQuery.builder(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> RetrievalQuery.of(null, 3)).isInstanceOf(NullPointerException.class);
            for (String odd : List.of("", "   ", "title:(a AND b)^2 \"", "\uD83E\uDD99", "x".repeat(10_000))) {
                assertThat(RetrievalQuery.of(odd, 5).text()).isEqualTo(odd);
            }
        }

        @Test
        @DisplayName("filters need a key and at least one value, none null; keys accumulate, values are a set")
        void filters() {
            RetrievalQuery q = RetrievalQuery.builder("x").filter("lang", "en", "de").filter("topic", "space").build();
            assertThat(q.filters()).containsOnly(Map.entry("lang", Set.of("en", "de")), Map.entry("topic", Set.of("space")));
            assertThat(q.toString()).contains("lang").contains("space");
            assertThatThrownBy(() -> RetrievalQuery.builder("x").filter("lang")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("filter 'lang' needs at least one value");
            assertThatThrownBy(() -> RetrievalQuery.builder("x").filter(null, "en")).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> RetrievalQuery.builder("x").filter("lang", "en", null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        @DisplayName("a built query is immutable and independent of its builder")
        void immutable() {
            RetrievalQuery.Builder b = RetrievalQuery.builder("x").filter("lang", "en");
            RetrievalQuery q = b.build();
            b.filter("topic", "space").topK(99);
            assertThat(q.filters()).containsOnlyKeys("lang");
            assertThat(q.topK()).isEqualTo(10);
            assertThatThrownBy(() -> q.filters().put("k", Set.of("v"))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> q.filters().get("lang").add("de")).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    @DisplayName("Document")
    class Documents {
        @Test
        @DisplayName("the id is required and not blank")
        void id() {
            assertThatThrownBy(() -> Document.builder(null)).isInstanceOf(NullPointerException.class);
            for (String blank : List.of("", " ", "\t\n")) {
                assertThatThrownBy(() -> Document.builder(blank)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("document id must not be blank");
                assertThatThrownBy(() -> Document.of(blank, "text")).isInstanceOf(IllegalArgumentException.class);
            }
        }

        @Test
        @DisplayName("a document needs a title or a text")
        void notEmpty() {
            assertThatThrownBy(() -> Document.builder("d").build()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'d' is empty");
            assertThatThrownBy(() -> Document.of("d", "  ")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Document.builder("d").title(" ").text("\n").build()).isInstanceOf(IllegalArgumentException.class);
            assertThat(Document.builder("d").title("Only a title").build().text()).isEmpty();
            assertThat(Document.of("d", "Only text").title()).isEmpty();
        }

        @Test
        @DisplayName("of(id, text) has no title, metadata or source")
        void of() {
            Document d = Document.of("d1", "Some text.");
            assertThat(d.id()).isEqualTo("d1");
            assertThat(d.text()).isEqualTo("Some text.");
            assertThat(d.title()).isEmpty();
            assertThat(d.metadata()).isEmpty();
            assertThat(d.source()).isEmpty();
        }

        @Test
        @DisplayName("null title, text, metadata key or value, or source are rejected")
        void nulls() {
            Document.Builder b = Document.builder("d");
            assertThatThrownBy(() -> b.title(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> b.text(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> b.metadata(null, "v")).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> b.metadata("k", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> b.metadata((Map<String, String>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> b.source(null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        @DisplayName("metadata is copied and immutable")
        void metadata() {
            Map<String, String> source = new HashMap<>(Map.of("lang", "en"));
            Document.Builder b = Document.builder("d").text("t").metadata(source).metadata("topic", "space");
            Document d = b.build();
            source.put("lang", "de");
            b.metadata("extra", "x");
            assertThat(d.metadata()).containsOnly(Map.entry("lang", "en"), Map.entry("topic", "space"));
            assertThatThrownBy(() -> d.metadata().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        @DisplayName("toBuilder keeps every value; equality covers id, title, text, metadata and source")
        void equality() {
            Document d = Document.builder("d").title("T").text("text").metadata("lang", "en").source("file:/a.txt").build();
            Document copy = d.toBuilder().build();
            assertThat(copy).isEqualTo(d).hasSameHashCodeAs(d);
            assertThat(copy.source()).contains("file:/a.txt");
            assertThat(d.toBuilder().text("other").build()).isNotEqualTo(d);
            assertThat(d.toBuilder().title("U").build()).isNotEqualTo(d);
            assertThat(d.toBuilder().metadata("lang", "de").build()).isNotEqualTo(d);
            assertThat(d.toBuilder().source("file:/b.txt").build()).isNotEqualTo(d);
            assertThat(Document.builder("e").title("T").text("text").metadata("lang", "en").source("file:/a.txt").build()).isNotEqualTo(d);
            assertThat(d.toString()).contains("d").contains("chars=4").doesNotContain("text]");
        }
    }

    @Nested
    @DisplayName("Chunk")
    class Chunks {
        private final Document doc = Document.builder("doc-1").title("Title").text("Hello world.").metadata("lang", "en").build();

        @Test
        @DisplayName("ids are <documentId>#<index>")
        void ids() {
            assertThat(Chunk.idOf("doc-1", 0)).isEqualTo("doc-1#0");
            assertThat(Chunk.idOf("a#b", 12)).isEqualTo("a#b#12");
        }

        @Test
        @DisplayName("whole(document) is chunk 0 over the whole text, with title and metadata")
        void whole() {
            Chunk c = Chunk.whole(doc);
            assertThat(c).isEqualTo(new Chunk("doc-1#0", "doc-1", 0, "Title", "Hello world.", 0, 12, Map.of("lang", "en")));
            assertThat(Chunker.none().chunk(doc)).containsExactly(c);
            Chunk titleOnly = Chunk.whole(Document.builder("t").title("Just a title").build());
            assertThat(titleOnly.text()).isEmpty();
            assertThat(titleOnly.end()).isZero();
        }

        @Test
        @DisplayName("positions: index and start at least 0, end at least start")
        void positions() {
            assertThatThrownBy(() -> new Chunk("d#0", "d", -1, "", "x", 0, 1, Map.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad chunk position");
            assertThatThrownBy(() -> new Chunk("d#0", "d", 0, "", "x", -1, 1, Map.of())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Chunk("d#0", "d", 0, "", "x", 5, 4, Map.of())).isInstanceOf(IllegalArgumentException.class);
            assertThatCode(() -> new Chunk("d#0", "d", 0, "", "", 3, 3, Map.of())).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("no null parts; metadata copied")
        void nullsAndCopies() {
            assertThatThrownBy(() -> new Chunk(null, "d", 0, "", "x", 0, 1, Map.of())).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> new Chunk("d#0", null, 0, "", "x", 0, 1, Map.of())).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> new Chunk("d#0", "d", 0, null, "x", 0, 1, Map.of())).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> new Chunk("d#0", "d", 0, "", null, 0, 1, Map.of())).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> new Chunk("d#0", "d", 0, "", "x", 0, 1, null)).isInstanceOf(NullPointerException.class);
            Map<String, String> meta = new HashMap<>(Map.of("k", "v"));
            Chunk c = new Chunk("d#0", "d", 0, "", "x", 0, 1, meta);
            meta.put("k", "changed");
            assertThat(c.metadata()).containsOnly(Map.entry("k", "v"));
            assertThatThrownBy(() -> c.metadata().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    @DisplayName("RetrievedChunk")
    class Hits {
        @Test
        @DisplayName("rank counts from 1; chunk and retriever are required; the highlight is optional")
        void validation() {
            Chunk c = Chunk.whole(Document.of("d", "text"));
            assertThatThrownBy(() -> new RetrievedChunk(c, 1.0, 0, "bm25", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rank counts from 1, got 0");
            assertThatThrownBy(() -> new RetrievedChunk(null, 1.0, 1, "bm25", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> new RetrievedChunk(c, 1.0, 1, null, null)).isInstanceOf(NullPointerException.class);
            assertThat(new RetrievedChunk(c, 1.0, 1, "bm25", null).highlightIfAny()).isEmpty();
            assertThat(new RetrievedChunk(c, 0.5, 2, "bm25", "<b>text</b>").highlightIfAny()).contains("<b>text</b>");
        }
    }
}
