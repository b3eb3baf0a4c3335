package dev.llamakit.memory.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.Message;
import dev.llamakit.memory.ConversationConflictException;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.ConversationStores;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.spi.ProviderOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileConversationStoreTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"a/b/c", "../../etc/passwd", "..", ".", ".hidden", "with space", "UPPER", "upper",
            "C:\\windows\\path", "con", "NUL", "\u4f60\u597d/\u00e9t\u00e9", "emoji \ud83d\ude00", "percent%41", "tilde~x",
            "a\u0000b", "trailing.", "line\nbreak"})
    void anyIdIsStoredInOneFileInsideTheDirectoryAndListedBack(String id) throws IOException {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            store.append(id, Samples.chat(0, 3));
            Path file = store.fileOf(id);
            assertThat(file.getParent()).isEqualTo(store.directory());
            assertThat(file.getFileName().toString()).matches("[a-z0-9_%A-F~-]+\\.jsonl");
            assertThat(Samples.filesIn(dir)).containsExactly(file);
            assertThat(store.conversationIds()).containsExactly(id);
        }
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThat(store.load(id).entries()).isEqualTo(Samples.chat(0, 3));
            assertThat(store.conversationIds()).containsExactly(id);
        }
    }

    @Test
    void idsThatDifferOnlyInCaseOrEncodingGetDifferentFilesEvenOnCaseInsensitiveFileSystems() {
        List<String> ids = List.of("Conv", "conv", "CONV", "c%6Fnv", "c\u00f6nv", "co\u0308nv");
        Set<String> names = new java.util.HashSet<>();
        for (String id : ids) {
            String name = FileNames.encode(id);
            assertThat(names.add(name.toLowerCase(java.util.Locale.ROOT))).as(name).isTrue();
            assertThat(FileNames.decode(name)).contains(id);
        }
        assertThat(FileNames.decode("c%6Fnv.jsonl")).as("only canonical names decode").isEmpty();
        assertThat(FileNames.decode("c%6fnv.jsonl")).isEmpty();
        assertThat(FileNames.decode("%63onv.jsonl")).isEmpty();
        assertThat(FileNames.decode("notes.txt")).isEmpty();
        assertThat(FileNames.encode("con")).isEqualTo("%63on.jsonl");
        assertThat(FileNames.decode("%63on.jsonl")).contains("con");
    }

    @Test
    void longIdsGetAShortenedNameAndAreListedFromTheirHeader() {
        String long1 = "x".repeat(500) + "/1";
        String long2 = "x".repeat(500) + "/2";
        String unicode = "\u4f60".repeat(200);
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            for (String id : List.of(long1, long2, unicode)) {
                store.append(id, Samples.chat(0, 1));
                assertThat(store.fileOf(id).getFileName().toString().length()).isLessThan(140);
            }
            assertThat(store.fileOf(long1)).isNotEqualTo(store.fileOf(long2));
            assertThat(store.conversationIds()).containsExactlyInAnyOrder(long1, long2, unicode);
        }
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThat(store.conversationIds()).containsExactlyInAnyOrder(long1, long2, unicode);
            assertThat(store.load(long2).size()).isEqualTo(1);
        }
    }

    @Test
    void rejectsIdsThatCannotBeFileNames() {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThatThrownBy(() -> store.append("", Samples.chat(0, 1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty");
            assertThatThrownBy(() -> store.load("bad\ud800")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lone surrogate");
            assertThatThrownBy(() -> store.load(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void writesOneChecksummedJsonLinePerAppendAndPerStateValue() throws IOException {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            store.append("c", Samples.entries().subList(0, 4));
            store.putState("c", "summary", "s");
            store.putState("c", "summary", "s"); // unchanged: nothing written
            store.append("c", Samples.entries().subList(4, 8));
            List<String> lines = Files.readAllLines(store.fileOf("c"), StandardCharsets.UTF_8);
            assertThat(lines).hasSize(4);
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> records = new ArrayList<>();
            for (String line : lines) {
                records.add(json.readTree(line));
            }
            assertThat(records).allSatisfy(r -> {
                assertThat(r.get("v").asInt()).isEqualTo(1);
                assertThat(r.get("crc").asText()).matches("[0-9a-f]{8}");
            });
            assertThat(records.get(0).get("type").asText()).isEqualTo("conversation");
            assertThat(records.get(0).get("id").asText()).isEqualTo("c");
            assertThat(records.get(1).get("type").asText()).isEqualTo("entries");
            assertThat(records.get(1).get("first").asLong()).isZero();
            assertThat(records.get(1).get("entries")).hasSize(4);
            JsonNode call = records.get(1).get("entries").get(1).get("tool_calls").get(1);
            assertThat(call.get("arguments").asText()).isEqualTo("not json {");
            assertThat(records.get(1).get("entries").get(1).get("at").asText()).isEqualTo("2026-03-01T10:15:30.123456790Z");
            assertThat(records.get(2).get("type").asText()).isEqualTo("state");
            assertThat(records.get(3).get("first").asLong()).isEqualTo(4);
            assertThat(lines.get(1)).startsWith("{\"v\":1,\"type\":\"entries\",\"first\":0,\"entries\":[{\"seq\":0,"
                    + "\"at\":\"2026-03-01T10:15:30.123456789Z\",\"role\":\"user\",\"text\":\"Hello, I'm Ada \u2014 \u4f60\u597d \ud83d\ude00\","
                    + "\"flags\":[\"PINNED\"]},{\"seq\":1,");
        }
    }

    @Test
    void roundTripsStringsThatAreNotValidUnicode() {
        TranscriptEntry odd = TranscriptEntry.of(0, Message.user("half an emoji \ud83d and \udc00"), Samples.T);
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            store.append("c", List.of(odd));
        }
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThat(store.load("c").entries()).containsExactly(odd);
        }
    }

    @Test
    void loadLastReadsOnlyTheAppendsThatHoldTheLastEntries() throws IOException {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            for (int i = 0; i < 50; i++) {
                store.append("big", Samples.chat(i * 2L, 2));
                store.putState("big", "turn", Integer.toString(i));
            }
            assertThat(store.loadLast("big", 3)).isEqualTo(Samples.chat(97, 3));
            assertThat(store.loadLast("big", 4)).isEqualTo(Samples.chat(96, 4));
            assertThat(store.loadLast("big", 1)).isEqualTo(Samples.chat(99, 1));
            assertThat(store.loadLast("big", 1000)).isEqualTo(Samples.chat(0, 100));
            // damage the first append in place (same length): a whole load notices, loadLast never reads it
            Path file = store.fileOf("big");
            byte[] bytes = Files.readAllBytes(file);
            int line2 = CrashSafetyTest.indexOf(bytes, (byte) '\n') + 1;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.seek(line2 + 40);
                raf.write('#');
            }
            assertThat(store.loadLast("big", 10)).isEqualTo(Samples.chat(90, 10));
            assertThatThrownBy(() -> store.load("big")).isInstanceOf(CorruptTranscriptException.class)
                    .hasMessageContaining("line 2");
        }
    }

    @Test
    void anAppendThatDoesNotStartAtZeroCreatesNoFile() throws IOException {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThatThrownBy(() -> store.append("new", Samples.chat(3, 2))).isInstanceOf(ConversationConflictException.class)
                    .hasMessageContaining("next is 0");
            assertThat(Samples.filesIn(dir)).isEmpty();
            store.append("new", Samples.chat(0, 2));
            assertThat(store.load("new").size()).isEqualTo(2);
        }
    }

    @Test
    void anInterruptedThreadCanAppendAndKeepsItsInterruptStatus() throws Exception {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            store.append("c", Samples.chat(0, 2));
            Thread.currentThread().interrupt();
            try {
                store.append("c", Samples.chat(2, 2)); // FileChannel I/O on an interrupted thread would close the channel
                assertThat(store.load("c").size()).isEqualTo(4);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            store.append("c", Samples.chat(4, 2));
            assertThat(store.loadLast("c", 6)).isEqualTo(Samples.chat(0, 6));
        }
    }

    @Test
    void rejectsANegativeCount() {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThatThrownBy(() -> store.loadLast("c", -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readingAnUnknownConversationCreatesNoFile() throws IOException {
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThat(store.load("ghost").isEmpty()).isTrue();
            assertThat(store.loadLast("ghost", 5)).isEmpty();
            assertThat(store.getState("ghost", "k")).isEmpty();
            assertThat(store.conversationIds()).isEmpty();
            assertThat(Samples.filesIn(dir)).isEmpty();
            store.putState("ghost", "k", "v");
            assertThat(store.conversationIds()).containsExactly("ghost");
            assertThat(store.load("ghost").isEmpty()).isTrue();
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryInThisJvmIsRefusedUntilTheFirstCloses() {
        // one writer per directory; the OS side (another process) is checked by StoreLockTest
        FileConversationStore first = FileConversationStore.open(dir);
        first.append("c", Samples.chat(0, 2));
        assertThatThrownBy(() -> FileConversationStore.open(dir.resolve("x/..")))
                .isInstanceOfSatisfying(StoreLockedException.class, e -> assertThat(e.path()).isEqualTo(dir.resolve("LOCK")))
                .hasMessageContaining("conversation directory " + dir).hasMessageContaining("use one store per directory");
        first.append("c", Samples.chat(2, 2));
        first.close();
        try (FileConversationStore second = FileConversationStore.open(dir)) {
            second.append("c", Samples.chat(4, 2));
            assertThat(second.load("c").entries()).isEqualTo(Samples.chat(0, 6));
        }
    }

    @Test
    void messagesBeyondJacksonsDefaultStringLimitRoundTripAndAreNeverDropped() {
        // Jackson refuses strings over 20,000,000 characters by default; a data-URL image or a tool result can be
        // bigger, and its record (with a valid checksum) must neither be unreadable nor be cut as a torn write
        String image = "data:image/png;base64," + "iVBORw0KGgo".repeat(2_000_000);
        String rows = "{\"rows\":\"" + "r".repeat(21_000_000) + "\"}";
        List<TranscriptEntry> big = List.of(
                TranscriptEntry.of(0, new dev.llamakit.chat.UserMessage(List.of(dev.llamakit.chat.ContentPart.text("What is this?"),
                        dev.llamakit.chat.ContentPart.imageUrl(image))), Samples.T),
                TranscriptEntry.of(1, Message.tool("call-1", rows), Samples.T));
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            store.append("big", big.subList(0, 1));
            store.append("big", big.subList(1, 2));
        }
        try (Samples.Capture log = Samples.captureLog();
             FileConversationStore store = FileConversationStore.open(dir)) {
            List<TranscriptEntry> loaded = store.load("big").entries();
            assertThat(loaded.size()).isEqualTo(2);
            assertThat(loaded.equals(big)).as("both large entries read back unchanged").isTrue();
            assertThat(log.warnings()).isEmpty();
            store.append("big", Samples.chat(2, 1));
        }
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThat(store.load("big").size()).isEqualTo(3);
            assertThat(store.loadLast("big", 2).get(0).message().text()).isEqualTo(rows);
        }
    }

    @Test
    void aClosedStoreRefusesWorkAndClosingTwiceIsHarmless() {
        FileConversationStore store = FileConversationStore.open(dir);
        store.append("c", Samples.chat(0, 1));
        store.close();
        store.close();
        assertThatThrownBy(() -> store.load("c")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(store::conversationIds).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keepsAtMostMaxOpenFilesOpenAndReopensEvictedConversationsConsistently() throws Exception {
        try (FileConversationStore store = FileConversationStore.builder(dir).maxOpenFiles(2).fsync(false).build()) {
            for (int round = 0; round < 5; round++) {
                for (int c = 0; c < 6; c++) {
                    store.append("conv-" + c, Samples.chat(round * 2L, 2));
                    store.putState("conv-" + c, "round", Integer.toString(round));
                }
            }
            // an evicted conversation's file is closed (and its lock released)
            assertThat(OpenFiles.isOpen(store.fileOf("conv-0"))).isFalse();
            assertThat(OpenFiles.isOpen(store.fileOf("conv-5"))).isTrue();
            for (int c = 0; c < 6; c++) {
                assertThat(store.load("conv-" + c).entries()).isEqualTo(Samples.chat(0, 10));
                assertThat(store.getState("conv-" + c, "round")).contains("4");
            }
            // many threads over more conversations than open files
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < 6; c++) {
                    String id = "conv-" + c;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 20; i++) {
                            store.append(id, Samples.chat(10 + i * 2L, 2));
                            assertThat(store.loadLast(id, 2)).isEqualTo(Samples.chat(10 + i * 2L, 2));
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            for (int c = 0; c < 6; c++) {
                assertThat(store.load("conv-" + c).entries()).isEqualTo(Samples.chat(0, 50));
            }
        }
    }

    @Test
    void concurrentAppendsToOneConversationKeepEveryBatchWhole() throws Exception {
        try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    futures.add(pool.submit(() -> {
                        int done = 0;
                        while (done < 25) {
                            // claim the next seq under the store's own check: a lost race is a ConversationConflictException
                            long next = store.load("shared").size();
                            try {
                                store.append("shared", Samples.chat(next, 2));
                                done++;
                            } catch (ConversationConflictException raced) {
                                // another thread appended first; try again
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.load("shared").entries()).isEqualTo(Samples.chat(0, 400));
        }
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            assertThat(store.load("shared").size()).isEqualTo(400);
        }
    }

    @Test
    void theProviderCreatesTheStoreFromOptions() {
        assertThat(ConversationStores.available()).contains("file", "in-memory");
        try (ConversationStore store = ConversationStores.create("file",
                ProviderOptions.builder().put("directory", dir.toString()).build())) {
            assertThat(store).isInstanceOf(FileConversationStore.class);
            assertThat(((FileConversationStore) store).fsync()).isTrue();
            store.append("c", Samples.chat(0, 2));
        }
        try (ConversationStore store = ConversationStores.create("file", ProviderOptions.builder()
                .put("directory", dir.toString()).put("fsync", "false").put("max-open-files", 4).build())) {
            assertThat(((FileConversationStore) store).fsync()).isFalse();
            assertThat(store.load("c").size()).isEqualTo(2);
        }
    }

    @Test
    void theProviderRejectsMissingDirectoryUnknownOptionsAndBadValues() {
        assertThatThrownBy(() -> ConversationStores.create("file", ProviderOptions.EMPTY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'directory'");
        assertThatThrownBy(() -> ConversationStores.create("file",
                ProviderOptions.builder().put("directory", dir.toString()).put("fsynk", "false").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fsynk").hasMessageContaining("directory").hasMessageContaining("fsync");
        assertThatThrownBy(() -> ConversationStores.create("file",
                ProviderOptions.builder().put("directory", dir.toString()).put("fsync", "sometimes").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fsync");
        assertThatThrownBy(() -> ConversationStores.create("file",
                ProviderOptions.builder().put("directory", dir.toString()).put("max-open-files", "0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-open-files");
        assertThatThrownBy(() -> ConversationStores.create("files", ProviderOptions.EMPTY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file").hasMessageContaining("in-memory");
    }

    @Test
    void createsTheDirectoryAndRejectsAFileInItsPlace() throws IOException {
        Path nested = dir.resolve("a/b/c");
        try (FileConversationStore store = FileConversationStore.open(nested)) {
            store.append("x", Samples.chat(0, 1));
        }
        assertThat(nested).isDirectory();
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> FileConversationStore.open(plain)).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining(plain.toString());
    }

    @Test
    void ignoresForeignFilesInTheDirectory() throws IOException {
        Files.writeString(dir.resolve("README.txt"), "notes");
        Files.writeString(dir.resolve("Not-Ours.jsonl"), "{}\n");
        Files.createFile(dir.resolve("empty.jsonl"));
        try (FileConversationStore store = FileConversationStore.open(dir)) {
            store.append("mine", Samples.chat(0, 1));
            assertThat(store.conversationIds()).containsExactly("mine");
        }
    }
}
