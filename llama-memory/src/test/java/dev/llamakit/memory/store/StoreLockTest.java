package dev.llamakit.memory.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per directory, checked with the operating system's own locks: a second JVM asks for them. A lock that
 * this JVM believes it holds but the OS has dropped (closing any channel on the file drops it) fails these tests.
 */
class StoreLockTest {
    @TempDir
    Path dir;

    /**
     * The other process: tries to open the store and append to conversation {@code args[1]}, then probes the OS
     * locks on that conversation's file and on the directory's {@code LOCK} file. Prints {@code STORE opened|refused
     * <message>|failed <error>}, {@code FILE locked|free|missing} and {@code DIR locked|free|missing}.
     */
    public static void main(String[] args) {
        if (args[0].equals("probe")) {
            System.out.println("FILE " + probe(Path.of(args[1])));
            return;
        }
        Path directory = Path.of(args[0]);
        String id = args[1];
        try (FileConversationStore store = FileConversationStore.open(directory)) {
            store.append(id, Samples.chat(store.load(id).size(), 1));
            System.out.println("STORE opened");
        } catch (StoreLockedException e) {
            System.out.println("STORE refused " + e.getMessage());
        } catch (RuntimeException e) {
            System.out.println("STORE failed " + e);
        }
        System.out.println("FILE " + probe(directory.resolve(FileNames.encode(id))));
        System.out.println("DIR " + probe(directory.resolve(FileConversationStore.LOCK_FILE)));
    }

    static String probe(Path file) {
        if (!Files.exists(file)) {
            return "missing";
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return "locked";
            }
            lock.release();
            return "free";
        } catch (IOException e) {
            return "error " + e;
        }
    }

    /** Runs {@link #main} in a new JVM with this test's class path; its output lines by their first word. */
    static Map<String, String> otherProcess(Path directory, String id) throws Exception {
        Map<String, String> lines = run(directory.toString(), id);
        assertThat(lines).containsKeys("STORE", "FILE", "DIR");
        return lines;
    }

    /** What another process finds when it tries to lock {@code file}. */
    static String otherProcessProbe(Path file) throws Exception {
        return run("probe", file.toString()).get("FILE");
    }

    private static Map<String, String> run(String... args) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                StoreLockTest.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<String, String> lines = new HashMap<>();
        out.lines().filter(l -> l.matches("(STORE|FILE|DIR) .*"))
                .forEach(l -> lines.put(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1)));
        assertThat(lines).as("the other process's output: %s", out).containsKey("FILE");
        return lines;
    }

    @Test
    void afterARefusedSecondStoreInThisJvmAnotherProcessIsStillRefused() throws Exception {
        try (FileConversationStore first = FileConversationStore.open(dir)) {
            first.append("c", Samples.chat(0, 2));
            // a second store on the directory, in this JVM: refused, and the refusal must not drop the first's locks
            assertThatThrownBy(() -> {
                try (FileConversationStore second = FileConversationStore.open(dir)) {
                    second.append("c", Samples.chat(2, 2));
                }
            }).isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining("already open in another FileConversationStore of this JVM");

            Map<String, String> other = otherProcess(dir, "c");
            assertThat(other.get("STORE")).startsWith("refused")
                    .contains("is in use by another process (pid " + ProcessHandle.current().pid() + ")");
            assertThat(other.get("FILE")).as("the OS lock on the conversation file").isEqualTo("locked");
            assertThat(other.get("DIR")).as("the OS lock on the LOCK file").isEqualTo("locked");

            first.append("c", Samples.chat(2, 2));
            assertThat(first.load("c").entries()).isEqualTo(Samples.chat(0, 4));
        }
        // closed: now another process may write the directory, and a new store in this JVM may open it again
        Map<String, String> other = otherProcess(dir, "c");
        assertThat(other.get("STORE")).isEqualTo("opened");
        try (FileConversationStore again = FileConversationStore.open(dir)) {
            assertThat(again.load("c").entries()).isEqualTo(Samples.chat(0, 5));
        }
    }

    @Test
    void listingConversationsAndEvictingFilesKeepTheLocks() throws Exception {
        String longId = "x".repeat(400);
        try (FileConversationStore store = FileConversationStore.builder(dir).maxOpenFiles(1).build()) {
            store.append(longId, Samples.chat(0, 1)); // a shortened file name: listing reads its header
            assertThat(store.conversationIds()).containsExactly(longId);
            assertThat(otherProcess(dir, longId).get("FILE")).as("the lock of the open file after listing").isEqualTo("locked");
            store.append("other", Samples.chat(0, 1)); // evicts the first file: it is closed and its lock released
            assertThat(OpenFiles.isOpen(store.fileOf(longId))).isFalse();
            assertThat(OpenFiles.isOpen(store.fileOf("other"))).isTrue();
            assertThat(store.conversationIds()).containsExactlyInAnyOrder(longId, "other");
            assertThat(OpenFiles.isOpen(store.fileOf(longId))).as("listing closes what it opened").isFalse();
            Map<String, String> other = otherProcess(dir, "other");
            assertThat(other.get("FILE")).isEqualTo("locked");
            assertThat(other.get("DIR")).isEqualTo("locked");
        }
    }

    @Test
    void aSharedFileKeepsItsWritersLockWhenAReaderCloses() throws Exception {
        Path file = Files.writeString(dir.resolve("f.jsonl"), "x");
        OpenFiles.Handle writer = OpenFiles.open(file, false, true, "file " + file);
        try {
            OpenFiles.Handle reader = OpenFiles.open(file, false, false, "file " + file);
            assertThat(reader.channel()).isSameAs(writer.channel());
            reader.close();
            assertThat(writer.channel().isOpen()).isTrue();
            assertThat(otherProcessProbe(file)).isEqualTo("locked");
            assertThatThrownBy(() -> OpenFiles.open(file, false, true, "file " + file))
                    .isInstanceOf(StoreLockedException.class).hasMessageContaining("this JVM");
            assertThat(otherProcessProbe(file)).as("after a refused second writer").isEqualTo("locked");
        } finally {
            writer.close();
        }
        assertThat(OpenFiles.isOpen(file)).isFalse();
        assertThat(otherProcessProbe(file)).isEqualTo("free");
    }
}
