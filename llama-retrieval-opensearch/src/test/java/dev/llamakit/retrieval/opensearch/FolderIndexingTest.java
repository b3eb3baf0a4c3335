package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.documents.FolderIndexer;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.documents.IndexReport;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder kept in step with an OpenSearch index by llama-documents' {@link FolderIndexer} (no Lucene on the
 * retriever's side): the first run adds every file, the next one only what changed, with the manifest in a file.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class FolderIndexingTest {
    private final OpenSearchNode node;
    private final String index = TestHttp.freshIndex("folder");

    @TempDir
    Path folder;
    @TempDir
    Path state;

    FolderIndexingTest(OpenSearchNode node) {
        this.node = node;
    }

    @AfterEach
    void deleteIndex() {
        TestHttp.deleteIndices(node.url(), index);
    }

    private List<String> hits(Retriever r, String query) {
        return r.retrieve(query, 10).stream().map(h -> h.chunk().documentId()).distinct().sorted().toList();
    }

    @Test
    void aFolderIsIndexedAndThenOnlyItsChangesAre() throws Exception {
        Files.writeString(folder.resolve("a.txt"), "The quokka smiles on Rottnest Island.");
        Files.writeString(folder.resolve("b.md"), "# Volcanoes\n\nMagma rises through the crust.");
        Files.writeString(folder.resolve("c.jsonl"), "{\"_id\":\"c1\",\"title\":\"Tides\",\"text\":\"The moon pulls the"
                + " oceans.\"}\n{\"_id\":\"c2\",\"text\":\"Glaciers carve valleys.\"}\n");
        Path manifest = state.resolve("opensearch.manifest.json");
        try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", index,
                "refresh", "true", "replicas", "0"))) {
            FolderIndexer indexer = FolderIndexer.of(r, FolderLoader.of(folder), manifest);
            assertThat(indexer.manifestInIndex()).isFalse();

            IndexReport first = indexer.index();
            assertThat(first.added()).isEqualTo(3);
            assertThat(first.documentsUpserted()).isEqualTo(4);
            assertThat(r.count()).isEqualTo(4);
            assertThat(hits(r, "quokka")).containsExactly("a.txt");
            assertThat(hits(r, "volcanoes magma")).containsExactly("b.md");
            assertThat(hits(r, "tides")).containsExactly("c1");
            assertThat(Files.exists(manifest)).isTrue();

            Files.writeString(folder.resolve("a.txt"), "The wombat digs burrows.");
            Files.delete(folder.resolve("b.md"));
            Files.writeString(folder.resolve("c.jsonl"), "{\"_id\":\"c1\",\"title\":\"Tides\",\"text\":\"The moon"
                    + " pulls the oceans.\"}\n");
            IndexReport second = indexer.index();
            assertThat(second.updated()).isEqualTo(2);
            assertThat(second.deleted()).isEqualTo(1);
            assertThat(second.documentsDeleted()).as("b.md, and c2 gone from c.jsonl").isEqualTo(2);
            assertThat(r.count()).isEqualTo(2);
            assertThat(hits(r, "quokka")).isEmpty();
            assertThat(hits(r, "wombat")).containsExactly("a.txt");
            assertThat(hits(r, "magma glaciers")).isEmpty();

            assertThat(indexer.index().changed()).as("a third run finds nothing to do").isFalse();
        }
    }
}
