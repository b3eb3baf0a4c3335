package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.client.error.LlamaException;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bm25OnDiskTest {

    static Bm25Retriever open(Path dir) {
        return Bm25Retriever.builder().indexDirectory(dir).build();
    }

    static List<String> snapshot(List<RetrievedChunk> hits) {
        return hits.stream().map(h -> h.chunk().id() + " " + h.score() + " " + h.highlight() + " "
                + h.chunk().metadata()).toList();
    }

    static String segmentsFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("segments_")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }

    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList();
        }
    }

    @Test
    void anIndexSurvivesCloseAndReopen(@TempDir Path tmp) {
        Path dir = tmp.resolve("index");
        List<String> before;
        try (Bm25Retriever r = open(dir)) {
            r.upsert(Bm25RetrieverTest.CORPUS);
            r.delete(List.of("d4"));
            before = snapshot(r.retrieve("lung cancer smoke mice", 10));
            assertThat(before).hasSize(3);
        }
        try (Bm25Retriever r = open(dir)) {
            assertThat(r.count()).isEqualTo(3);
            assertThat(snapshot(r.retrieve("lung cancer smoke mice", 10))).isEqualTo(before);
        }
        try (Retriever r = Retrievers.create("bm25", Map.of("index", dir.toString()))) {
            assertThat(snapshot(r.retrieve("lung cancer smoke mice", 10))).isEqualTo(before);
        }
    }

    @Test
    void everyWriteIsCommittedBeforeItReturns(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("index");
        Path copy = tmp.resolve("copy");
        try (Bm25Retriever r = open(dir)) {
            r.upsert(Bm25RetrieverTest.CORPUS);
            // What a crash right now would leave: copy the files while the writer is still open.
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> !p.getFileName().toString().equals("write.lock")).toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        try (Bm25Retriever r = open(copy)) {
            assertThat(r.count()).isEqualTo(4);
            assertThat(r.retrieve("tomatoes", 10)).hasSize(1);
        }
    }

    @Test
    void aMissingOrEmptyDirectoryGetsANewIndex(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("a/b/c");
        try (Bm25Retriever r = open(missing)) {
            assertThat(r.count()).isZero();
        }
        try (Bm25Retriever r = open(missing)) { // reopened: our (empty) index, with its marker
            assertThat(r.count()).isZero();
        }
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        try (Bm25Retriever r = open(empty)) {
            r.upsert(Bm25RetrieverTest.CORPUS);
        }
        assertThat(segmentsFile(empty)).startsWith("segments_");
    }

    @Test
    void aTruncatedSegmentsFileIsReportedAsCorrupt(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("index");
        try (Bm25Retriever r = open(dir)) {
            r.upsert(Bm25RetrieverTest.CORPUS);
        }
        Path segments = dir.resolve(segmentsFile(dir));
        try (FileChannel ch = FileChannel.open(segments, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        List<String> files = listing(dir);
        assertThatThrownBy(() -> open(dir))
                .isInstanceOfSatisfying(IndexUnreadableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.CORRUPT);
                    assertThat(e.directory()).isEqualTo(dir);
                })
                .isInstanceOf(LlamaException.class)
                .hasMessageContaining("damaged");
        assertThat(listing(dir)).isEqualTo(files); // nothing touched
    }

    @Test
    void garbledOrMissingIndexFilesAreReportedAsCorrupt(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("index");
        try (Bm25Retriever r = open(dir)) {
            r.upsert(Bm25RetrieverTest.CORPUS);
        }
        Path segments = dir.resolve(segmentsFile(dir));
        byte[] bytes = Files.readAllBytes(segments);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(segments, bytes);
        assertThatThrownBy(() -> open(dir)).isInstanceOfSatisfying(IndexUnreadableException.class,
                e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.CORRUPT));

        Path dir2 = tmp.resolve("index2");
        try (Bm25Retriever r = open(dir2)) {
            r.upsert(Bm25RetrieverTest.CORPUS);
        }
        try (Stream<Path> files = Files.list(dir2)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".si")).toList()) {
                Files.delete(f);
            }
        }
        assertThatThrownBy(() -> open(dir2)).isInstanceOfSatisfying(IndexUnreadableException.class,
                e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.CORRUPT));
    }

    @Test
    void aLuceneIndexNotWrittenByUsIsForeign(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("foreign");
        try (FSDirectory d = FSDirectory.open(dir);
             IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()))) {
            org.apache.lucene.document.Document doc = new org.apache.lucene.document.Document();
            doc.add(new TextField("body", "someone else's index", Field.Store.YES));
            w.addDocument(doc);
            w.commit();
        }
        List<String> files = listing(dir);
        assertThatThrownBy(() -> open(dir))
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.FOREIGN))
                .hasMessageContaining("not write");
        assertThat(listing(dir)).isEqualTo(files);
    }

    @Test
    void aFolderOfOtherFilesIsForeign(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(dir.resolve("notes.txt"), "my notes");
        Files.writeString(dir.resolve("todo.md"), "- buy milk");
        assertThatThrownBy(() -> open(dir))
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.FOREIGN))
                .hasMessageContaining("notes.txt");
        assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("my notes");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(2);
        }
    }

    @Test
    void aFileIsNotAnIndexDirectory(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> open(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a directory");
    }

    @Test
    void anIndexBuiltWithOtherAnalysisIsRefused(@TempDir Path tmp) {
        Path dir = tmp.resolve("index");
        try (Bm25Retriever r = open(dir)) {
            r.upsert(Bm25RetrieverTest.CORPUS);
        }
        assertThatThrownBy(() -> Bm25Retriever.builder().indexDirectory(dir).stemmer(Bm25Analyzer.Stemmer.NONE)
                .build())
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.INCOMPATIBLE))
                .hasMessageContaining("llamakit.analyzer=standard+possessive+lowercase+stop+porter");
        assertThatThrownBy(() -> Bm25Retriever.builder().indexDirectory(dir)
                .fields(Bm25Retriever.FieldLayout.MULTIFIELD).build())
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.INCOMPATIBLE));
        // search-time settings may change freely
        try (Bm25Retriever r = Bm25Retriever.builder().indexDirectory(dir).k1(1.2f).b(0.75f).build()) {
            assertThat(r.count()).isEqualTo(4);
        }
    }

    @Test
    void oneIndexDirectoryHasOneWriter(@TempDir Path tmp) {
        Path dir = tmp.resolve("index");
        try (Bm25Retriever r = open(dir)) {
            assertThatThrownBy(() -> open(dir)).isInstanceOf(LlamaException.class)
                    .hasMessageContaining("open in another retriever");
            r.upsert(Bm25RetrieverTest.CORPUS); // the first one is unaffected
            assertThat(r.count()).isEqualTo(4);
        }
    }
}
