package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.documents.FolderIndexer;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.documents.IndexReport;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder indexer on an on-disk Lucene index: the manifest and the index agree, and interrupted runs resume. */
class FolderIndexDurabilityTest {
    @TempDir
    Path tmp;

    Path folder() throws IOException {
        return Files.createDirectories(tmp.resolve("docs"));
    }

    Path write(String rel, String text) throws IOException {
        Path p = folder().resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    Bm25Retriever open(Path index) {
        return Bm25Retriever.builder().indexDirectory(index).build();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void restoringAnOlderCopyOfTheIndexDoesNotHideLaterEdits() throws Exception {
        Path index = tmp.resolve("index");
        write("a.txt", "alpha original");
        write("b.txt", "bravo original");
        try (Bm25Retriever r = open(index)) {
            FolderIndexer.of(r, FolderLoader.of(folder()), FolderIndexer.manifestBeside(index)).index();
        }
        copyTree(index, tmp.resolve("backup"));
        write("a.txt", "alpha edited after the backup");
        try (Bm25Retriever r = open(index)) {
            FolderIndexer.of(r, FolderLoader.of(folder()), FolderIndexer.manifestBeside(index)).index();
        }
        // the disk is restored from the backup: the index is older than the folder
        deleteTree(index);
        copyTree(tmp.resolve("backup"), index);
        try (Bm25Retriever r = open(index)) {
            FolderIndexer.of(r, FolderLoader.of(folder()), FolderIndexer.manifestBeside(index)).index();
        }
        assertThat(IndexContents.of(index)).isEqualTo(IndexContents.expected(folder()));
    }

    @Test
    void theManifestLivesInTheIndexAndAnOldOneBesideItIsTakenOver() throws Exception {
        Path index = tmp.resolve("index");
        Path beside = FolderIndexer.manifestBeside(index);
        write("a.txt", "alpha");
        write("gone.txt", "this file is deleted before the take-over");
        // an index and a manifest beside it, as older versions left them (the manifest holds a stale file)
        try (Bm25Retriever r = open(index)) {
            FolderIndexer.builder(new Wrapped(r), FolderLoader.of(folder())).manifest(beside).build().index();
        }
        assertThat(beside).exists();
        Files.writeString(beside.resolveSibling(beside.getFileName() + ".lock"), "4194303"); // a dead run's lock
        Files.delete(folder().resolve("gone.txt"));
        try (Bm25Retriever r = open(index)) {
            IndexReport report = FolderIndexer.of(r, FolderLoader.of(folder()), beside).index();
            assertThat(report.rebuilt()).isTrue();
            assertThat(report.documentsDeleted()).isEqualTo(1);
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("docs", "index");
        }
        assertThat(IndexContents.of(index)).isEqualTo(IndexContents.expected(folder()));
        try (Bm25Retriever r = open(index)) {
            assertThat(FolderIndexer.of(r, FolderLoader.of(folder())).index().changed()).isFalse();
        }
    }

    @Test
    void anInterruptedRunKeepsItsCommittedWorkAndTheNextRunResumes() throws Exception {
        Path index = tmp.resolve("index");
        for (int i = 0; i < 40; i++) {
            write(String.format("f%02d.txt", i), "file number " + i);
        }
        try (Bm25Retriever r = open(index)) {
            Interrupting wrapped = new Interrupting(r, 5);
            try {
                FolderIndexer.builder(wrapped, FolderLoader.of(folder())).commits(r).batchSize(4)
                        .checkpointEvery(Duration.ZERO).build().index();
            } catch (IllegalStateException expected) {
                // interrupted in the sixth batch
            }
        }
        assertThat(IndexContents.of(index)).hasSizeGreaterThanOrEqualTo(20);
        try (Bm25Retriever r = open(index)) {
            IndexReport report = FolderIndexer.of(r, FolderLoader.of(folder())).index();
            assertThat(report.resumed()).isTrue();
            assertThat(report.documentsUpserted()).isLessThanOrEqualTo(20);
        }
        assertThat(IndexContents.of(index)).isEqualTo(IndexContents.expected(folder()));
    }

    @Test
    void anInterruptedRunWithAManifestFileResumesToo() throws Exception {
        // any retriever: the manifest file names the files being written before each batch
        Path manifest = tmp.resolve("state/m.json");
        for (int i = 0; i < 40; i++) {
            write(String.format("f%02d.txt", i), "file number " + i);
        }
        Retriever r = KeywordRetriever.create();
        Interrupting wrapped = new Interrupting(r, 5);
        try {
            FolderIndexer.builder(wrapped, FolderLoader.of(folder())).manifest(manifest).batchSize(4).build().index();
        } catch (IllegalStateException expected) {
            // interrupted in the sixth batch
        }
        IndexReport report = FolderIndexer.builder(r, FolderLoader.of(folder())).manifest(manifest).build().index();
        assertThat(report.documentsUpserted()).isLessThanOrEqualTo(20);
        assertThat(r.count()).isEqualTo(40);
    }

    /** Passes calls on (and hides that the retriever is a Lucene one). */
    static class Wrapped implements Retriever {
        final Retriever delegate;

        Wrapped(Retriever delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<RetrievedChunk> retrieve(RetrievalQuery query) {
            return delegate.retrieve(query);
        }

        @Override
        public void upsert(Collection<Document> documents) {
            delegate.upsert(documents);
        }

        @Override
        public void delete(Collection<String> documentIds) {
            delegate.delete(documentIds);
        }

        @Override
        public long count() {
            return delegate.count();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** Fails the upsert after {@code allowed} of them, as an interrupted process would stop there. */
    static final class Interrupting extends Wrapped {
        private int allowed;

        Interrupting(Retriever delegate, int allowed) {
            super(delegate);
            this.allowed = allowed;
        }

        @Override
        public void upsert(Collection<Document> documents) {
            if (allowed-- == 0) {
                throw new IllegalStateException("interrupted");
            }
            super.upsert(documents);
        }
    }
}
