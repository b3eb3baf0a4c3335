package dev.llamakit.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.IndexText;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderIndexerTest {
    @TempDir
    Path root;
    @TempDir
    Path state;

    Path manifest;
    CountingRetriever retriever;

    /** Records what reaches the retriever. */
    static final class CountingRetriever implements Retriever {
        final Retriever delegate;
        final List<String> upserted = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        int upsertCalls;

        CountingRetriever(Retriever delegate) {
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
        public synchronized void upsert(Collection<Document> documents) {
            upsertCalls++;
            documents.forEach(d -> upserted.add(d.id()));
            delegate.upsert(documents);
        }

        @Override
        public synchronized void delete(Collection<String> documentIds) {
            deleted.addAll(documentIds);
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

        void reset() {
            upserted.clear();
            deleted.clear();
            upsertCalls = 0;
        }
    }

    @BeforeEach
    void setUp() {
        manifest = state.resolve("index.manifest.json");
        retriever = new CountingRetriever(new MapRetriever());
    }

    Path write(String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    /** Sets every file's modified time an hour back, so that the next run trusts size and time. */
    void age() throws IOException {
        FileTime past = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, past);
            }
        }
    }

    FolderIndexer indexer() {
        return FolderIndexer.of(retriever, FolderLoader.of(root), manifest);
    }

    List<String> search(String q) {
        return retriever.retrieve(q, 100).stream().map(h -> h.chunk().documentId()).toList();
    }

    void seed() throws IOException {
        write("a.txt", "alpha original");
        write("b.md", "# Bravo\n\nbravo original");
        write("c/c.html", "<title>Charlie</title><p>charlie original</p>");
        write("d.jsonl", "{\"_id\":\"d1\",\"text\":\"delta one\"}\n{\"_id\":\"d2\",\"text\":\"delta two\"}\n");
        write("e.txt", "echo original");
    }

    @Test
    void firstRunAddsEverythingAndWritesTheManifest() throws Exception {
        seed();
        IndexReport r = indexer().index();
        assertThat(r.added()).isEqualTo(5);
        assertThat(r.updated() + r.deleted() + r.unchanged() + r.skipped()).isZero();
        assertThat(r.documentsUpserted()).isEqualTo(6);
        assertThat(r.rebuilt()).isFalse();
        assertThat(retriever.count()).isEqualTo(6);
        assertThat(retriever.upserted).containsExactlyInAnyOrder("a.txt", "b.md", "c/c.html", "d1", "d2", "e.txt");

        JsonNode m = new ObjectMapper().readTree(manifest.toFile());
        assertThat(m.get("format").asText()).isEqualTo("llamakit-folder-manifest");
        assertThat(m.get("documents").asLong()).isEqualTo(6);
        assertThat(m.get("files").get("d.jsonl").get("ids")).hasSize(2);
        assertThat(m.get("files").get("a.txt").get("sha256").asText()).hasSize(64);
        // written atomically: no temp file left beside it
        try (Stream<Path> s = Files.list(state)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("index.manifest.json", "index.manifest.json.lock");
        }
    }

    @Test
    void aSecondRunWithoutChangesTouchesNothing() throws Exception {
        seed();
        indexer().index();
        retriever.reset();
        // just written: within the racy window, so files are hashed, found equal, and not upserted
        IndexReport r = indexer().index();
        assertThat(r.unchanged()).isEqualTo(5);
        assertThat(r.changed()).isFalse();
        assertThat(retriever.upsertCalls).isZero();
        assertThat(retriever.deleted).isEmpty();
    }

    @Test
    void modifyDeleteAddGiveExactCountsAndOnlyTouchThoseFiles() throws Exception {
        seed();
        age();
        indexer().index();
        retriever.reset();
        age();
        indexer().index(); // the aged files are now recorded before the scan: trusted by size and time
        retriever.reset();

        write("a.txt", "alpha modified text");
        Files.delete(root.resolve("b.md"));
        write("new/f.md", "# Foxtrot\n\nfoxtrot added");
        IndexReport r = indexer().index();

        assertThat(r.added()).isEqualTo(1);
        assertThat(r.updated()).isEqualTo(1);
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(r.unchanged()).isEqualTo(3);
        assertThat(r.skipped()).isZero();
        assertThat(r.documentsUpserted()).isEqualTo(2);
        assertThat(r.documentsDeleted()).isEqualTo(1);
        assertThat(retriever.upserted).containsExactlyInAnyOrder("a.txt", "new/f.md");
        assertThat(retriever.deleted).containsExactly("b.md");

        assertThat(retriever.count()).isEqualTo(6);
        assertThat(search("modified")).containsExactly("a.txt");
        assertThat(search("original")).containsExactlyInAnyOrder("c/c.html", "e.txt");
        assertThat(search("bravo")).isEmpty();
        assertThat(search("foxtrot")).containsExactly("new/f.md");
    }

    @Test
    void aTouchedButUnchangedFileIsHashedNotReloaded() throws Exception {
        seed();
        indexer().index();
        retriever.reset();
        Files.setLastModifiedTime(root.resolve("e.txt"), FileTime.from(Instant.now().plusSeconds(5)));
        IndexReport r = indexer().index();
        assertThat(r.unchanged()).isEqualTo(5);
        assertThat(retriever.upserted).isEmpty();
        JsonNode m = new ObjectMapper().readTree(manifest.toFile());
        assertThat(Instant.parse(m.get("files").get("e.txt").get("modified").asText()))
                .isEqualTo(Files.getLastModifiedTime(root.resolve("e.txt")).toInstant());
    }

    @Test
    void sizeAndTimeAreTrustedUnlessContentIsVerified() throws Exception {
        seed();
        age();
        indexer().index();
        age();
        indexer().index();
        retriever.reset();
        // same size, same time, other content: a copy that kept its timestamp
        Path e = root.resolve("e.txt");
        FileTime t = Files.getLastModifiedTime(e);
        Files.writeString(e, "ECHO ORIGINAL");
        Files.setLastModifiedTime(e, t);
        assertThat(indexer().index().unchanged()).isEqualTo(5); // not even read
        assertThat(retriever.upserted).isEmpty();

        IndexReport verified = FolderIndexer.builder(retriever, FolderLoader.of(root)).manifest(manifest)
                .verifyContent(true).build().index();
        assertThat(verified.updated()).isEqualTo(1);
        assertThat(retriever.upserted).containsExactly("e.txt");
    }

    @Test
    void aJsonlFileThatLosesALineDeletesThatDocument() throws Exception {
        seed();
        indexer().index();
        retriever.reset();
        write("d.jsonl", "{\"_id\":\"d2\",\"text\":\"delta two changed\"}\n{\"_id\":\"d3\",\"text\":\"delta three\"}\n");
        IndexReport r = indexer().index();
        assertThat(r.updated()).isEqualTo(1);
        assertThat(r.unchanged()).isEqualTo(4);
        assertThat(r.documentsUpserted()).isEqualTo(2);
        assertThat(r.documentsDeleted()).isEqualTo(1);
        assertThat(retriever.deleted).containsExactly("d1");
        assertThat(search("delta")).containsExactlyInAnyOrder("d2", "d3");
    }

    @Test
    void aFileThatBecomesUnreadableIsSkippedAndKeepsWhatWasIndexed() throws Exception {
        seed();
        indexer().index();
        retriever.reset();
        Files.write(root.resolve("a.txt"), new byte[] {'a', 0, 'b'});
        Files.delete(root.resolve("e.txt"));
        Files.createSymbolicLink(root.resolve("e.txt"), root.resolve("nowhere"));
        IndexReport r = indexer().index();
        assertThat(r.skipped()).isEqualTo(2);
        assertThat(r.skippedFiles()).extracting(LoadReport.SkippedFile::path).containsExactly("a.txt", "e.txt");
        assertThat(r.deleted()).isZero();
        assertThat(retriever.upserted).isEmpty();
        assertThat(retriever.deleted).isEmpty();
        assertThat(search("alpha")).containsExactly("a.txt");
        assertThat(search("echo")).containsExactly("e.txt");

        // readable again: updated
        write("a.txt", "alpha is back");
        IndexReport back = indexer().index();
        assertThat(back.updated()).isEqualTo(1);
        assertThat(back.skipped()).isEqualTo(1);
        assertThat(search("back")).containsExactly("a.txt");
    }

    @Test
    void aFreshRetrieverWithAnOldManifestIsRebuilt() throws Exception {
        seed();
        indexer().index();
        CountingRetriever fresh = new CountingRetriever(new MapRetriever());
        IndexReport r = FolderIndexer.of(fresh, FolderLoader.of(root), manifest).index();
        assertThat(r.rebuilt()).isTrue();
        assertThat(r.added()).isEqualTo(5);
        assertThat(fresh.count()).isEqualTo(6);
        assertThat(FolderIndexer.of(fresh, FolderLoader.of(root), manifest).index().changed()).isFalse();
    }

    @Test
    void narrowingTheGlobsDeletesTheFilesNoLongerSelected() throws Exception {
        seed();
        indexer().index();
        IndexReport r = FolderIndexer.of(retriever, FolderLoader.builder(root).include("**/*.txt").build(), manifest)
                .index();
        assertThat(r.deleted()).isEqualTo(3);
        assertThat(r.unchanged()).isEqualTo(2);
        assertThat(retriever.count()).isEqualTo(2);
    }

    @Test
    void aDocumentIdMovingBetweenJsonlFilesStaysIndexed() throws Exception {
        write("one.jsonl", "{\"_id\":\"x\",\"text\":\"moving record\"}\n");
        indexer().index();
        Files.delete(root.resolve("one.jsonl"));
        write("two.jsonl", "{\"_id\":\"x\",\"text\":\"moving record arrived\"}\n");
        IndexReport r = indexer().index();
        assertThat(r.added()).isEqualTo(1);
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(r.documentsDeleted()).isZero();
        assertThat(search("arrived")).containsExactly("x");
    }

    @Test
    void aDuplicateIdInAnotherFileIsSkipped() throws Exception {
        write("one.jsonl", "{\"_id\":\"x\",\"text\":\"first owner\"}\n");
        indexer().index();
        write("two.jsonl", "{\"_id\":\"x\",\"text\":\"second claim\"}\n{\"_id\":\"y\",\"text\":\"fine\"}\n");
        IndexReport r = indexer().index();
        assertThat(r.skippedLines()).singleElement().satisfies(l -> {
            assertThat(l.path()).isEqualTo("two.jsonl");
            assertThat(l.reason()).contains("duplicate _id 'x'").contains("one.jsonl");
        });
        assertThat(search("owner")).containsExactly("x");
        assertThat(search("second")).isEmpty();
    }

    @Test
    void aCorruptManifestFailsClearly() throws Exception {
        seed();
        Files.writeString(manifest, "{\"not\": \"a manifest\"}");
        assertThatThrownBy(() -> indexer().index()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(manifest.toString()).hasMessageContaining("delete it");
        Files.writeString(manifest, "{ truncated");
        assertThatThrownBy(() -> indexer().index()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("delete it");
        assertThat(retriever.count()).isZero();
    }

    @Test
    void aManifestInsideTheFolderIsNotIndexedAndAnotherRunnerIsRefused() throws Exception {
        seed();
        Path inside = root.resolve("index.manifest.json");
        FolderIndexer indexer = FolderIndexer.builder(retriever, FolderLoader.builder(root).include("**/*").build())
                .manifest(inside).batchSize(2).build();
        IndexReport first = indexer.index();
        assertThat(first.added()).isEqualTo(5);
        assertThat(retriever.upsertCalls).isEqualTo(3); // 6 documents in batches of 2
        assertThat(indexer.index().changed()).isFalse();
        assertThat(search("manifest")).isEmpty();

        try (FileChannel ch = FileChannel.open(root.resolve("index.manifest.json.lock"), StandardOpenOption.WRITE);
             FileLock held = ch.lock()) {
            assertThat(held.isValid()).isTrue();
            assertThatThrownBy(indexer::index).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another indexer");
        }
        assertThat(FolderIndexer.manifestBeside(Path.of("/data/index"))).isEqualTo(Path.of("/data/index.manifest.json"));
    }

    // ------------------------------------------------------------------ who owns an id (issue 13, item 5)

    /**
     * A model of an index: id → title and text, as upserts and deletes leave it. A search finds the documents whose
     * lower-cased title or text contains a word of the query (split on whitespace), most words first.
     */
    static final class MapRetriever implements Retriever {
        final java.util.Map<String, String> docs = new java.util.TreeMap<>();
        private final java.util.Map<String, Document> documents = new java.util.TreeMap<>();

        @Override
        public String name() {
            return "map";
        }

        @Override
        public synchronized List<RetrievedChunk> retrieve(RetrievalQuery query) {
            List<String> words = List.of(query.text().toLowerCase(java.util.Locale.ROOT).trim().split("\\s+"));
            List<Document> hits = new ArrayList<>();
            java.util.Map<String, Long> scores = new java.util.HashMap<>();
            for (Document d : documents.values()) {
                String text = IndexText.of(Chunk.whole(d)).toLowerCase(java.util.Locale.ROOT);
                long score = words.stream().filter(w -> !w.isEmpty() && text.contains(w)).count();
                if (score > 0) {
                    hits.add(d);
                    scores.put(d.id(), score);
                }
            }
            hits.sort(java.util.Comparator.comparing((Document d) -> -scores.get(d.id())));
            List<RetrievedChunk> out = new ArrayList<>();
            for (Document d : hits.subList(0, Math.min(hits.size(), query.topK()))) {
                out.add(new RetrievedChunk(Chunk.whole(d), scores.get(d.id()), out.size() + 1, name(), null));
            }
            return out;
        }

        @Override
        public synchronized void upsert(Collection<Document> documents) {
            documents.forEach(d -> {
                this.documents.put(d.id(), d);
                docs.put(d.id(), d.title() + "|" + d.text());
            });
        }

        @Override
        public synchronized void delete(Collection<String> documentIds) {
            documentIds.forEach(id -> {
                documents.remove(id);
                docs.remove(id);
            });
        }

        @Override
        public synchronized long count() {
            return docs.size();
        }

        @Override
        public void close() {
        }
    }

    /** What a clean build of the folder holds: the reference every incremental run must end at. */
    java.util.Map<String, String> clean() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        FolderLoader.of(root).load().documents().forEach(d -> out.put(d.id(), d.title() + "|" + d.text()));
        return out;
    }

    @Test
    void anIdMovingToAnEarlierFileIsNotLost() throws Exception {
        MapRetriever index = new MapRetriever();
        FolderIndexer indexer = FolderIndexer.of(index, FolderLoader.of(root), manifest);
        write("a.jsonl", "{\"_id\":\"z\",\"text\":\"zulu\"}\n");
        write("b.jsonl", "{\"_id\":\"x\",\"text\":\"xray\"}\n{\"_id\":\"y\",\"text\":\"yankee\"}\n");
        indexer.index();
        // x's line moves into a.jsonl, which is read first
        write("a.jsonl", "{\"_id\":\"z\",\"text\":\"zulu\"}\n{\"_id\":\"x\",\"text\":\"xray moved\"}\n");
        write("b.jsonl", "{\"_id\":\"y\",\"text\":\"yankee\"}\n");
        IndexReport r = indexer.index();
        assertThat(r.skippedLines()).isEmpty();
        assertThat(index.docs).containsEntry("x", "|xray moved").isEqualTo(clean());
        // and it stays: later runs see a.jsonl unchanged
        write("b.jsonl", "{\"_id\":\"y\",\"text\":\"yankee two\"}\n");
        indexer.index();
        assertThat(indexer.index().changed()).isFalse();
        assertThat(index.docs).containsKey("x").isEqualTo(clean());
    }

    @Test
    void anIdMovingToALaterFileIsNotLost() throws Exception {
        MapRetriever index = new MapRetriever();
        FolderIndexer indexer = FolderIndexer.of(index, FolderLoader.of(root), manifest);
        write("a.jsonl", "{\"_id\":\"z\",\"text\":\"zulu\"}\n{\"_id\":\"x\",\"text\":\"xray\"}\n");
        write("b.jsonl", "{\"_id\":\"y\",\"text\":\"yankee\"}\n");
        indexer.index();
        write("a.jsonl", "{\"_id\":\"z\",\"text\":\"zulu\"}\n");
        write("b.jsonl", "{\"_id\":\"y\",\"text\":\"yankee\"}\n{\"_id\":\"x\",\"text\":\"xray moved\"}\n");
        IndexReport r = indexer.index();
        assertThat(r.documentsDeleted()).isZero();
        assertThat(index.docs).containsEntry("x", "|xray moved").isEqualTo(clean());
    }

    @Test
    void aDuplicateTakesTheIdOverWhenItsOwnerLetsGo() throws Exception {
        MapRetriever index = new MapRetriever();
        FolderIndexer indexer = FolderIndexer.of(index, FolderLoader.of(root), manifest);
        write("a.jsonl", "{\"_id\":\"x\",\"text\":\"first copy\"}\n");
        write("b.jsonl", "{\"_id\":\"x\",\"text\":\"second copy\"}\n{\"_id\":\"y\",\"text\":\"yankee\"}\n");
        indexer.index();
        assertThat(index.docs).containsEntry("x", "|first copy").isEqualTo(clean());
        // the owner lets go; b.jsonl has not changed, but now owns x
        write("a.jsonl", "{\"_id\":\"w\",\"text\":\"whiskey\"}\n");
        indexer.index();
        assertThat(index.docs).containsEntry("x", "|second copy").isEqualTo(clean());
        // a new earlier file with x owns it, as in a clean build; deleting it gives x back to b.jsonl
        write("0.jsonl", "{\"_id\":\"x\",\"text\":\"zeroth copy\"}\n");
        indexer.index();
        assertThat(index.docs).containsEntry("x", "|zeroth copy").isEqualTo(clean());
        Files.delete(root.resolve("0.jsonl"));
        indexer.index();
        assertThat(index.docs).containsEntry("x", "|second copy").isEqualTo(clean());
        // a text file whose id (its path) a jsonl line already uses
        write("c.txt", "charlie");
        write("0.jsonl", "{\"_id\":\"c.txt\",\"text\":\"from jsonl\"}\n");
        IndexReport r = indexer.index();
        assertThat(r.skippedFiles()).extracting(LoadReport.SkippedFile::path).contains("c.txt");
        assertThat(index.docs).isEqualTo(clean());
        Files.delete(root.resolve("0.jsonl"));
        indexer.index();
        assertThat(index.docs).containsEntry("c.txt", "c|charlie").isEqualTo(clean());
    }

    @Test
    void randomEditsAlwaysEndAtWhatACleanBuildHolds() throws Exception {
        long seed = Long.getLong("folder.seed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        MapRetriever index = new MapRetriever();
        FolderIndexer indexer = FolderIndexer.builder(index, FolderLoader.of(root)).manifest(manifest)
                .batchSize(3).build();
        String[] files = {"a.jsonl", "m.jsonl", "sub/b.jsonl", "z.jsonl"};
        for (int round = 0; round < 300; round++) {
            String file = files[random.nextInt(files.length)];
            StringBuilder lines = new StringBuilder();
            for (int i = random.nextInt(5); i > 0; i--) {
                lines.append("{\"_id\":\"id").append(random.nextInt(12)).append("\",\"text\":\"r").append(round)
                        .append(' ').append(i).append("\"}\n");
            }
            write(file, lines.toString());
            indexer.index();
            assertThat(index.docs).as("round %s (seed %s)", round, seed).isEqualTo(clean());
        }
    }
}
