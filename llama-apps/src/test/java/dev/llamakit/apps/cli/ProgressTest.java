package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress bar, on a fake clock: what it draws, its rate and ETA, and how often it redraws (by count). */
class ProgressTest {
    static final long SECOND = 1_000_000_000L;

    final StringWriter err = new StringWriter();
    final long[] now = {0};

    Progress bar(String label, String unit, long total) {
        return new Progress(new PrintWriter(err, true), label, unit, total, () -> now[0]);
    }

    /** The lines drawn: the text between carriage returns, trailing padding removed. */
    List<String> drawn() {
        return Arrays.stream(err.toString().split("\r")).map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void rendersABarCountsRateAndEta() {
        // 50 of 200 files in 5 s: 10 files/s, 150 to go: 15 s
        assertThat(Progress.render("indexing", "files", 50, 200, 5 * SECOND))
                .isEqualTo("indexing [======>                 ] 50/200 files  10.0 files/s  ETA 15 s");
        assertThat(Progress.render("indexing", "files", 200, 200, 8 * SECOND))
                .isEqualTo("indexing [========================] 200/200 files  25.0 files/s");
        assertThat(Progress.render("searching", "queries", 0, 300, 0)).isEqualTo("searching [>                       ] 0/300 queries  ETA -");
        assertThat(Progress.render("searching", "queries", 0, 300, SECOND))
                .isEqualTo("searching [>                       ] 0/300 queries  0.0 queries/s  ETA -");
        // an unknown total: the count and the rate only
        assertThat(Progress.render("indexing", "documents", 1500, 0, 3 * SECOND))
                .isEqualTo("indexing 1500 documents  500.0 documents/s");
        assertThat(Progress.formatSeconds(9.2)).isEqualTo("10 s");
        assertThat(Progress.formatSeconds(75)).isEqualTo("1 min 15 s");
        assertThat(Progress.formatSeconds(7530)).isEqualTo("2 h 5 min");
    }

    @Test
    void redrawsAboutOnceAPercentWhateverTheClockSays() {
        try (Progress p = bar("indexing", "files", 1000)) {
            for (int i = 0; i < 1000; i++) {
                now[0] += SECOND / 100; // 100 files/s
                p.advance(1);
            }
        }
        List<String> lines = drawn();
        // the first item, then every 10 items (1 % of 1000): 1, 11, 21, ... 991, then 1000 itself
        assertThat(lines).hasSize(1 + 99 + 1);
        assertThat(lines.get(0)).contains("1/1000 files").contains("100.0 files/s").contains("ETA 10 s");
        assertThat(lines.get(50)).contains("] 501/1000 files").contains("ETA 5 s");
        assertThat(lines.get(lines.size() - 1)).endsWith("1000/1000 files  100.0 files/s");
        assertThat(err.toString()).as("closing erases the bar").endsWith("\r" + " ".repeat(lines.get(1).length()) + "\r");
    }

    @Test
    void aSlowClockDoesNotAddRedrawsNorAFastOneRemoveThem() {
        try (Progress p = bar("x", "items", 10)) {
            for (int i = 0; i < 10; i++) {
                now[0] += i % 2 == 0 ? 1 : 60 * SECOND;
                p.advance(1);
            }
        }
        assertThat(drawn()).hasSize(10); // a step of 1 for 10 items: every item, however long it took
    }

    @Test
    void theDetailCountHasItsOwnStepsAndIsClearedWhenDone() {
        try (Progress p = bar("indexing", "files", 4)) {
            now[0] = SECOND;
            p.set(1);
            for (int i = 0; i <= 500; i++) {
                p.detail("embedding chunks", i, 500);
            }
            p.set(2);
        }
        List<String> lines = drawn();
        // the file, then chunks 0, 5, 10, ... 495 (1 % steps), the line without the detail (500 of 500), file 2
        assertThat(lines).hasSize(1 + 100 + 1 + 1);
        assertThat(lines.get(1)).endsWith("ETA 3 s  embedding chunks 0/500");
        assertThat(lines.get(100)).endsWith("embedding chunks 495/500");
        assertThat(lines.get(101)).doesNotContain("embedding");
        assertThat(lines.get(102)).contains("2/4 files");
    }

    @Test
    void aNewTotalDrawsAtOnce() {
        try (Progress p = bar("summarizing", "parts", 0)) {
            p.total(20);
            p.set(20);
            p.total(3); // the next level of a map-reduce summary
            p.set(1);
        }
        assertThat(drawn()).containsExactly(
                "summarizing [========================] 20/20 parts",
                "summarizing [========>               ] 1/3 parts  ETA -");
    }

    @Test
    void noneDrawsNothing() {
        try (Progress p = Progress.none()) {
            p.total(3);
            p.advance(3);
            p.detail("embedding chunks", 1, 2);
            assertThat(p.visible()).isFalse();
        }
    }

    @Test
    void aProgressRetrieverCountsFilesDocumentsOrQueries() {
        try (Retriever bm25 = Retrievers.create("bm25", Map.of());
             Progress p = bar("indexing", "files", 2)) {
            ProgressRetriever files = ProgressRetriever.files(bm25, p);
            now[0] = SECOND;
            // two documents of one file, then one of another
            files.upsert(List.of(doc("a#1", "a"), doc("a#2", "a")));
            files.upsert(List.of(doc("b#1", "b")));
            assertThat(bm25.count()).isEqualTo(3);
        }
        assertThat(drawn()).containsExactly(
                "indexing [============>           ] 1/2 files  1.0 files/s  ETA 1 s",
                "indexing [========================] 2/2 files  2.0 files/s");
        err.getBuffer().setLength(0);
        try (Retriever bm25 = Retrievers.create("bm25", Map.of());
             Progress p = bar("searching", "queries", 2)) {
            bm25.upsert(List.of(doc("a#1", "a")));
            ProgressRetriever queries = ProgressRetriever.queries(bm25, p);
            now[0] = 2 * SECOND;
            queries.retrieve("text", 10);
            queries.retrieve("other", 10);
        }
        assertThat(drawn()).last().asString().contains("2/2 queries");
    }

    static Document doc(String id, String path) {
        return Document.builder(id).text("text of " + id).metadata(Map.of("path", path)).build();
    }
}
