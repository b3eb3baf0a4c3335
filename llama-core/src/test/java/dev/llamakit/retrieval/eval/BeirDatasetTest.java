package dev.llamakit.retrieval.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.Document;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {
    private static final String CORPUS = """
            {"_id": "4983", "title": "Micro\\u00adstructural", "text": "Alterations of the architecture.", "metadata": {}}
            {"_id": "5836", "title": "Induction", "text": "Myelodysplastic syndromes.", "metadata": {"text": "not this"}}
            {"_id": "7912", "title": "", "text": "  ", "metadata": {}}
            {"_id": 42, "text": "A numeric id and no title."}
            """;
    private static final String QUERIES = """
            {"_id": "1", "text": "0-dimensional biomaterials show inductive properties.", "metadata": {}}
            {"_id": "3", "text": "1,000 genomes project.", "metadata": {"4983": [{"sentences": [0], "label": "SUPPORT"}], "text": "gold"}}
            {"_id": "5", "metadata": {"text": "gold"}, "text": "Query five."}
            """;

    private static void gzip(Path file, String content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsAGzippedCorpusQueriesAndQrelsWithHeader(@TempDir Path dir) throws IOException {
        gzip(dir.resolve("corpus.jsonl.gz"), CORPUS);
        Files.writeString(dir.resolve("queries.jsonl"), QUERIES);
        Files.writeString(dir.resolve("qrels-test.tsv"), "query-id\tcorpus-id\tscore\n1\t4983\t1\n3\t5836\t2\n");

        BeirDataset data = BeirDataset.open(dir);
        List<Document> docs = new ArrayList<>();
        long n = data.readCorpus(docs::add);

        assertThat(n).isEqualTo(3); // the blank document is skipped
        assertThat(docs).extracting(Document::id).containsExactly("4983", "5836", "42");
        assertThat(docs.get(0).title()).isEqualTo("Micro\u00adstructural");
        assertThat(docs.get(1).text()).isEqualTo("Myelodysplastic syndromes.");
        assertThat(docs.get(1).metadata()).isEmpty();
        assertThat(docs.get(2).title()).isEmpty();

        assertThat(data.queries()).containsExactly(
                Map.entry("1", "0-dimensional biomaterials show inductive properties."),
                Map.entry("3", "1,000 genomes project."),
                Map.entry("5", "Query five."));
        assertThat(data.queries(Set.of("3"))).containsOnlyKeys("3");

        Qrels qrels = data.qrels();
        assertThat(qrels.queryIds()).containsExactly("1", "3");
        assertThat(qrels.judgments("3")).containsEntry("5836", 2);
        assertThat(qrels.size()).isEqualTo(2);
    }

    @Test
    void readsBeirsOwnLayoutPlainCorpusAndGzipByContent(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("corpus.jsonl"), CORPUS);
        gzip(dir.resolve("queries.jsonl"), QUERIES); // gzip recognised by its bytes, not its name
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\n1\t4983\t1\n");
        Files.writeString(dir.resolve("qrels/dev.tsv"), "5\t42\t1\n");

        BeirDataset test = BeirDataset.open(dir);
        assertThat(test.readCorpus(2, batch -> assertThat(batch).hasSizeLessThanOrEqualTo(2))).isEqualTo(3);
        assertThat(test.queries()).hasSize(3);
        assertThat(BeirDataset.open(dir, "dev").qrels().judgments("5")).containsEntry("42", 1);
    }

    @Test
    void readsTrecQrels(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("qrels.txt");
        Files.writeString(file, "1 0 4983 1\n1 0 5836 0\n\n2 Q0 42 3\n");
        Qrels qrels = Qrels.read(file);
        assertThat(qrels.queryIds()).containsExactly("1", "2");
        assertThat(qrels.judgments("1")).containsEntry("5836", 0);
        assertThat(qrels.queryIdsWithRelevant()).containsExactly("1", "2");
    }

    @Test
    void queriesWithoutRelevantDocumentsAreListedApart(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("q.tsv");
        Files.writeString(file, "a\td1\t0\nb\td2\t1\n");
        Qrels qrels = Qrels.read(file);
        assertThat(qrels.queryIds()).containsExactly("a", "b");
        assertThat(qrels.queryIdsWithRelevant()).containsExactly("b");
    }

    @Test
    void malformedFilesFailNamingTheLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("corpus.jsonl"), "{\"_id\": \"1\", \"text\": \"ok\"}\n{\"title\": \"x\"}\n");
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"1\", \"text\": \"q\"}\n[1, 2]\n");
        Files.writeString(dir.resolve("qrels-test.tsv"), "q\td\t1\nq\td\tx\n");
        BeirDataset data = BeirDataset.open(dir);
        assertThatThrownBy(() -> data.readCorpus(d -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2").hasMessageContaining("_id");
        assertThatThrownBy(data::queries)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        assertThatThrownBy(data::qrels)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
        Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"1\", \"text\": \"q\"}\n");
        assertThatThrownBy(() -> data.queries(Set.of("1", "nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void missingFilesAreNamed(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> BeirDataset.open(dir.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absent");
        Files.writeString(dir.resolve("corpus.jsonl"), "");
        Files.writeString(dir.resolve("queries.jsonl"), "");
        assertThatThrownBy(() -> BeirDataset.open(dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qrels-test.tsv");
    }
}
