package dev.llamakit.retrieval.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.Document;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.store.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Honest diagnoses: an index that cannot be written is not "damaged", and a damaged one is found on open. */
class IndexHealthTest {
    @TempDir
    Path tmp;

    /** A directory on a read-only mount (tests run as root, so chmod would not do): every change fails. */
    static final class ReadOnlyDirectory extends FilterDirectory {
        final Path path;
        volatile boolean readOnly = true;
        final boolean erofs;

        ReadOnlyDirectory(Path path, boolean erofs) throws IOException {
            super(FSDirectory.open(path));
            this.path = path;
            this.erofs = erofs;
        }

        private void refuse(String name) throws IOException {
            if (readOnly) {
                String file = path.resolve(name).toString();
                throw erofs ? new FileSystemException(file, null, "Read-only file system")
                        : new AccessDeniedException(file);
            }
        }

        @Override
        public IndexOutput createOutput(String name, IOContext context) throws IOException {
            refuse(name);
            return super.createOutput(name, context);
        }

        @Override
        public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
            refuse(prefix + "_tmp");
            return super.createTempOutput(prefix, suffix, context);
        }

        @Override
        public void deleteFile(String name) throws IOException {
            refuse(name);
            super.deleteFile(name);
        }

        @Override
        public void rename(String source, String dest) throws IOException {
            refuse(dest);
            super.rename(source, dest);
        }

        @Override
        public void sync(Collection<String> names) throws IOException {
            refuse(names.isEmpty() ? "." : names.iterator().next());
            super.sync(names);
        }

        @Override
        public Lock obtainLock(String name) throws IOException {
            refuse(name);
            return super.obtainLock(name);
        }
    }

    Path buildIndex(int documents) {
        Path index = tmp.resolve("index");
        try (Bm25Retriever r = Bm25Retriever.builder().indexDirectory(index).build()) {
            for (int i = 0; i < documents; i++) {
                r.upsert(List.of(Document.builder("d" + i).text("document number " + i + " about rivers").build()));
            }
        }
        return index;
    }

    @Test
    void anIndexOnAReadOnlyMountIsNotCalledDamaged() throws IOException {
        Path index = buildIndex(3);
        for (boolean erofs : new boolean[] {true, false}) {
            ReadOnlyDirectory ro = new ReadOnlyDirectory(index, erofs);
            assertThatThrownBy(() -> Bm25Retriever.builder().luceneDirectory(index, ro).build())
                    .isInstanceOf(IndexNotWritableException.class)
                    .hasMessageContaining(index.toString())
                    .hasMessageContaining("read-only")
                    .hasMessageContaining("not damaged")
                    .hasMessageNotContaining("delete");
            ro.getDelegate().close();
        }
        // the index itself was not touched
        assertThat(IndexContents.of(index)).hasSize(3);
    }

    @Test
    void aMountThatBecomesReadOnlyFailsTheWriteAsNotWritable() throws IOException {
        Path index = buildIndex(1);
        ReadOnlyDirectory ro = new ReadOnlyDirectory(index, true);
        ro.readOnly = false;
        try (Bm25Retriever r = Bm25Retriever.builder().luceneDirectory(index, ro).build()) {
            ro.readOnly = true;
            assertThatThrownBy(() -> r.upsert(List.of(Document.builder("x").text("new").build())))
                    .hasRootCauseInstanceOf(FileSystemException.class)
                    .isInstanceOf(IndexNotWritableException.class);
            ro.readOnly = false;
        }
    }

    /** Overwrites bytes in the middle of the first index file with this extension. */
    static String damage(Path index, String extension) throws IOException {
        Path file;
        try (Stream<Path> s = Files.list(index)) {
            file = s.filter(p -> p.getFileName().toString().endsWith(extension)).sorted().findFirst().orElseThrow();
        }
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("garbage!garbage!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    size / 2);
        }
        return file.getFileName().toString();
    }

    /**
     * Overwrites bytes in the middle of the stored texts ({@code .fdt}) inside the first compound file: a part
     * Lucene does not read when it opens a segment, so only a checksum finds it.
     */
    static String damageStoredTexts(Path index) throws IOException {
        String cfe;
        try (Stream<Path> s = Files.list(index)) {
            cfe = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cfe")).sorted().findFirst()
                    .orElseThrow();
        }
        long offset = -1;
        long length = 0;
        try (Directory d = FSDirectory.open(index);
             org.apache.lucene.store.IndexInput in = d.openInput(cfe, IOContext.READONCE)) {
            in.seek(org.apache.lucene.codecs.CodecUtil.indexHeaderLength("Lucene90CompoundEntries", ""));
            int entries = in.readVInt();
            for (int i = 0; i < entries; i++) {
                String id = in.readString();
                long start = in.readLong();
                long size = in.readLong();
                if (id.endsWith(".fdt")) {
                    offset = start;
                    length = size;
                }
            }
        }
        assertThat(offset).as("stored texts in %s", cfe).isPositive();
        String cfs = cfe.replace(".cfe", ".cfs");
        try (FileChannel ch = FileChannel.open(index.resolve(cfs), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x55, 0x2a, 0x55, 0x2a}), offset + length / 2);
        }
        return cfs;
    }

    @Test
    void garbageInACompoundFileIsFoundWhenTheIndexIsOpened() throws IOException {
        Path index = buildIndex(20);
        String damaged = damageStoredTexts(index);
        assertThatThrownBy(() -> Bm25Retriever.builder().indexDirectory(index).build())
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.CORRUPT))
                .hasMessageContaining(damaged)
                .hasMessageContaining("restore the index from a backup");
        assertThatThrownBy(() -> IndexCheck.verify(index)).isInstanceOf(IndexUnreadableException.class)
                .hasMessageContaining(damaged);
    }

    @Test
    void garbageInASegmentInfoFileIsFoundWhenTheIndexIsOpened() throws IOException {
        Path index = buildIndex(5);
        damage(index, ".si");
        assertThatThrownBy(() -> Bm25Retriever.builder().indexDirectory(index).build())
                .isInstanceOfSatisfying(IndexUnreadableException.class,
                        e -> assertThat(e.reason()).isEqualTo(IndexUnreadableException.Reason.CORRUPT));
    }

    @Test
    void aHealthyIndexVerifies() {
        Path index = buildIndex(20);
        IndexCheck.Result result = IndexCheck.verify(index);
        assertThat(result.files()).isGreaterThan(1);
        assertThat(result.luceneDocuments()).isEqualTo(20);
        try (Directory d = FSDirectory.open(index)) {
            assertThat(d.listAll()).contains("write.lock");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
