package dev.llamakit.memory.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.memory.TranscriptEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash can leave behind: a file cut at any byte of its last record (torn write), garbage at its end (a file
 * system that grew the file before the data landed), and damage in the middle (which must be reported, never
 * silently dropped).
 */
class CrashSafetyTest {
    static final String ID = "crash/test";
    static final List<TranscriptEntry> ALL = Samples.entries();

    @TempDir
    Path tmp;

    /** Writes the sample conversation: header, entries 0-3, a state value, then entries 4-7 in one append. */
    Path writeSample(Path dir, boolean stateLast) {
        try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
            store.append(ID, ALL.subList(0, 4));
            store.putState(ID, "summary", "first four");
            if (stateLast) {
                store.append(ID, ALL.subList(4, 8));
                store.putState(ID, "summary", "all eight \u2014 with a \"quote\"");
            } else {
                store.append(ID, ALL.subList(4, 8));
            }
            return store.fileOf(ID);
        }
    }

    static int startOfLastLine(byte[] bytes) {
        int i = bytes.length - 2; // skip the final newline
        while (i >= 0 && bytes[i] != '\n') {
            i--;
        }
        return i + 1;
    }

    Path copyCut(byte[] full, int cut, String fileName) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cut-" + cut));
        Files.write(dir.resolve(fileName), Arrays.copyOf(full, cut));
        return dir;
    }

    @Test
    void aCutAtEveryByteOfTheLastAppendLosesOnlyThatAppendAndAppendingRepairsTheFile() throws IOException {
        Path file = writeSample(tmp.resolve("original"), false);
        byte[] full = Files.readAllBytes(file);
        int last = startOfLastLine(full);
        assertThat(last).isGreaterThan(0);
        int checked = 0;
        for (int cut = last; cut < full.length; cut++) {
            Path dir = copyCut(full, cut, file.getFileName().toString());
            try (Samples.Capture log = Samples.captureLog();
                 FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
                assertThat(store.load(ID).entries()).as("cut at %d", cut).isEqualTo(ALL.subList(0, 4));
                assertThat(store.loadLast(ID, 2)).isEqualTo(ALL.subList(2, 4));
                assertThat(store.getState(ID, "summary")).contains("first four");
                if (cut > last) {
                    assertThat(log.warnings()).as("cut at %d", cut).singleElement().asString()
                            .contains(store.fileOf(ID).toString()).contains("byte offset " + last);
                } else {
                    assertThat(log.warnings()).isEmpty();
                }
                store.append(ID, ALL.subList(4, 8));
            }
            try (Samples.Capture log = Samples.captureLog();
                 FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
                assertThat(store.load(ID).entries()).isEqualTo(ALL);
                assertThat(log.warnings()).isEmpty();
            }
            // the torn bytes were cut off before the append: the file is exactly what an uninterrupted run wrote
            assertThat(Files.readAllBytes(dir.resolve(file.getFileName()))).isEqualTo(full);
            checked++;
        }
        assertThat(checked).isEqualTo(full.length - last).isGreaterThan(500);
    }

    @Test
    void aCutAtEveryByteOfTheLastStateRecordKeepsTheEarlierValue() throws IOException {
        Path file = writeSample(tmp.resolve("original"), true);
        byte[] full = Files.readAllBytes(file);
        int last = startOfLastLine(full);
        for (int cut = last; cut < full.length; cut++) {
            Path dir = copyCut(full, cut, file.getFileName().toString());
            try (Samples.Capture log = Samples.captureLog();
                 FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
                assertThat(store.load(ID).entries()).isEqualTo(ALL);
                assertThat(store.getState(ID, "summary")).as("cut at %d", cut).contains("first four");
                assertThat(log.warnings()).hasSize(cut > last ? 1 : 0);
                store.putState(ID, "summary", "all eight \u2014 with a \"quote\"");
            }
            try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
                assertThat(store.getState(ID, "summary")).contains("all eight \u2014 with a \"quote\"");
                assertThat(store.load(ID).entries()).isEqualTo(ALL);
            }
            assertThat(Files.readAllBytes(dir.resolve(file.getFileName()))).isEqualTo(full);
        }
    }

    @Test
    void aCutInsideTheHeaderOfANewFileLeavesAnEmptyConversationThatCanBeWritten() throws IOException {
        Path file = writeSample(tmp.resolve("original"), false);
        byte[] full = Files.readAllBytes(file);
        int headerEnd = indexOf(full, (byte) '\n') + 1;
        for (int cut = 0; cut < headerEnd; cut++) {
            Path dir = copyCut(full, cut, file.getFileName().toString());
            try (Samples.Capture log = Samples.captureLog();
                 FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
                assertThat(store.load(ID).isEmpty()).as("cut at %d", cut).isTrue();
                assertThat(log.warnings()).hasSize(cut > 0 ? 1 : 0);
                assertThat(store.getState(ID, "summary")).isEmpty();
                store.append(ID, ALL.subList(0, 2));
            }
            try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
                assertThat(store.load(ID).entries()).isEqualTo(ALL.subList(0, 2));
            }
        }
    }

    @Test
    void garbageAtTheEndIsDroppedWithAWarningEvenOverSeveralLines() throws IOException {
        Path file = writeSample(tmp.resolve("original"), false);
        byte[] full = Files.readAllBytes(file);
        // what ext4 can leave after a power cut: the size grew, the data did not land
        byte[] zeros = new byte[300];
        byte[] garbage = concat(full, zeros, "\n{\"v\":1,\"type\":\"ent".getBytes(StandardCharsets.UTF_8), new byte[] {'\n'}, zeros);
        Path dir = copyCut(garbage, garbage.length, file.getFileName().toString());
        try (Samples.Capture log = Samples.captureLog();
             FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
            assertThat(store.load(ID).entries()).isEqualTo(ALL);
            assertThat(log.warnings()).singleElement().asString().contains("byte offset " + full.length)
                    .contains((garbage.length - full.length) + " bytes");
            store.putState(ID, "k", "v");
        }
        try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
            assertThat(store.load(ID).entries()).isEqualTo(ALL);
            assertThat(store.getState(ID, "k")).contains("v");
        }
    }

    @Test
    void aCompleteLastLineWithABadChecksumIsTreatedAsTorn() throws IOException {
        Path file = writeSample(tmp.resolve("original"), false);
        byte[] bytes = Files.readAllBytes(file);
        int last = startOfLastLine(bytes);
        flipInsideText(bytes, last, "A cat.");
        Path dir = copyCut(bytes, bytes.length, file.getFileName().toString());
        try (Samples.Capture log = Samples.captureLog();
             FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
            assertThat(store.load(ID).entries()).isEqualTo(ALL.subList(0, 4));
            assertThat(log.warnings()).singleElement().asString().contains("checksum mismatch");
        }
    }

    @Test
    void damageInTheMiddleIsATypedErrorNamingFileAndLineAndNothingIsDropped() throws IOException {
        Path file = writeSample(tmp.resolve("original"), false);
        byte[] full = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        int line2 = indexOf(full, (byte) '\n') + 1;

        List<byte[]> damaged = new ArrayList<>();
        byte[] flipped = full.clone();
        flipInsideText(flipped, line2, "Ada"); // still valid JSON: only the checksum notices
        damaged.add(flipped);
        damaged.add(concat(Arrays.copyOf(full, line2), "garbled }{\n".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOfRange(full, line2, full.length)));
        damaged.add(concat(Arrays.copyOf(full, line2), "\n".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOfRange(full, line2, full.length)));
        int line2End = indexOf(full, line2, (byte) '\n');
        damaged.add(concat(Arrays.copyOf(full, line2End - 20), Arrays.copyOfRange(full, line2End, full.length)));

        for (int i = 0; i < damaged.size(); i++) {
            Path dir = Files.createDirectories(tmp.resolve("damaged-" + i));
            Path target = dir.resolve(name);
            Files.write(target, damaged.get(i));
            try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
                store.append("other", ALL.subList(0, 1));
                assertThatThrownBy(() -> store.load(ID))
                        .isInstanceOfSatisfying(CorruptTranscriptException.class, e -> {
                            assertThat(e.file()).isEqualTo(target);
                            assertThat(e.line()).isEqualTo(2);
                            assertThat(e.byteOffset()).isEqualTo(line2);
                            assertThat(e).hasMessageContaining(target.toString()).hasMessageContaining("line 2");
                        });
                assertThatThrownBy(() -> store.append(ID, ALL.subList(0, 1))).isInstanceOf(CorruptTranscriptException.class);
                assertThatThrownBy(() -> store.loadLast(ID, 1)).isInstanceOf(CorruptTranscriptException.class);
                assertThatThrownBy(() -> store.getState(ID, "summary")).isInstanceOf(CorruptTranscriptException.class);
                // the other conversation is unaffected
                assertThat(store.load("other").entries()).isEqualTo(ALL.subList(0, 1));
            }
            assertThat(Files.readAllBytes(target)).as("the damaged file is left as it was").isEqualTo(damaged.get(i));
        }
    }

    @Test
    void recordsOutOfOrderOrFromANewerVersionAreErrorsNotTornWrites() throws IOException {
        Path file = writeSample(tmp.resolve("original"), false);
        byte[] full = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        int last = startOfLastLine(full);

        // the last append written twice: valid checksums, but seq 4 after seq 7
        Path twice = Files.createDirectories(tmp.resolve("twice"));
        Files.write(twice.resolve(name), concat(full, Arrays.copyOfRange(full, last, full.length)));
        try (FileConversationStore store = FileConversationStore.open(twice)) {
            assertThatThrownBy(() -> store.load(ID)).isInstanceOf(CorruptTranscriptException.class)
                    .hasMessageContaining("line 5").hasMessageContaining("seq 8");
        }

        // a record of a later format version
        Path newer = Files.createDirectories(tmp.resolve("newer"));
        byte[] future = RecordFormat.encode(new RecordFormat.Line(2, "entries", null, null, 8L, List.of(), null, null));
        Files.write(newer.resolve(name), concat(full, future));
        try (FileConversationStore store = FileConversationStore.open(newer)) {
            assertThatThrownBy(() -> store.load(ID)).isInstanceOf(CorruptTranscriptException.class)
                    .hasMessageContaining("format version 2").hasMessageContaining("newer llamakit");
        }

        // a file renamed to another conversation's name
        Path renamed = Files.createDirectories(tmp.resolve("renamed"));
        Files.write(renamed.resolve(FileNames.encode("someone-else")), full);
        try (FileConversationStore store = FileConversationStore.open(renamed)) {
            assertThatThrownBy(() -> store.load("someone-else")).isInstanceOf(CorruptTranscriptException.class)
                    .hasMessageContaining("holds conversation 'crash/test'");
        }
    }

    @Test
    void validRecordsPastTheEndTheStoreKnowsAreAnotherWriterAndAreNeverCut() throws IOException {
        Path dir = tmp.resolve("two-writers");
        try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
            store.append(ID, ALL.subList(0, 4));
            Path file = store.fileOf(ID);
            // another program, one that ignores the lock, appends the next record behind the store's back
            Files.write(file, RecordFormat.encode(RecordFormat.Line.entries(ALL.subList(4, 6))), StandardOpenOption.APPEND);
            byte[] written = Files.readAllBytes(file);
            assertThatThrownBy(() -> store.append(ID, ALL.subList(4, 8)))
                    .isInstanceOfSatisfying(ConcurrentWriterException.class, e -> assertThat(e.file()).isEqualTo(file))
                    .hasMessageContaining("line 3").hasMessageContaining("another program is writing this conversation");
            assertThat(Files.readAllBytes(file)).as("nothing was cut off or written").isEqualTo(written);
            // the next access reads the file again: the other writer's record is part of the conversation
            assertThat(store.load(ID).entries()).isEqualTo(ALL.subList(0, 6));
        }
    }

    @Test
    void aLastLineWithAValidChecksumThatDoesNotParseIsCorruptionNotATornWrite() throws IOException {
        Path file = writeSample(tmp.resolve("original"), false);
        byte[] full = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        byte[] unreadable = RecordFormat.seal("{\"v\":1,\"type\":\"entries\",\"first\":8,\"entries\":[{\"seq\":8,\"at\":oops}]}"
                .getBytes(StandardCharsets.UTF_8));
        byte[] damaged = concat(full, unreadable);
        Path dir = copyCut(damaged, damaged.length, name);
        try (FileConversationStore store = FileConversationStore.builder(dir).fsync(false).build()) {
            assertThatThrownBy(() -> store.load(ID))
                    .isInstanceOfSatisfying(CorruptTranscriptException.class, e -> {
                        assertThat(e.line()).isEqualTo(5);
                        assertThat(e.byteOffset()).isEqualTo(full.length);
                    })
                    .hasMessageContaining("checksum is valid but it cannot be read");
            assertThatThrownBy(() -> store.append(ID, ALL.subList(0, 1))).isInstanceOf(CorruptTranscriptException.class);
        }
        assertThat(Files.readAllBytes(dir.resolve(name))).as("the record is kept").isEqualTo(damaged);

        // the same record past the end while the store has the file open: also corruption, also kept
        Path live = tmp.resolve("live");
        try (FileConversationStore store = FileConversationStore.builder(live).fsync(false).build()) {
            store.append(ID, ALL.subList(0, 4));
            Files.write(store.fileOf(ID), unreadable, StandardOpenOption.APPEND);
            assertThatThrownBy(() -> store.append(ID, ALL.subList(4, 8))).isInstanceOf(CorruptTranscriptException.class)
                    .hasMessageContaining("line 3");
            assertThat(Files.readAllBytes(store.fileOf(ID))).endsWith(unreadable);
        }
    }

    static void flipInsideText(byte[] bytes, int from, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = from; i < bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            bytes[i] = (byte) (bytes[i] ^ 0x20); // 'A' <-> 'a': same length, still valid JSON
            return;
        }
        throw new AssertionError(text + " not found");
    }

    static int indexOf(byte[] bytes, byte b) {
        return indexOf(bytes, 0, b);
    }

    static int indexOf(byte[] bytes, int from, byte b) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
