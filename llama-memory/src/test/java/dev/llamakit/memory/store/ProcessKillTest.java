package dev.llamakit.memory.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.memory.TranscriptEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process crash: a separate JVM appends three-entry batches as fast as it can and is killed with SIGKILL
 * (three times, resuming each time). Every append it acknowledged is there afterwards, no batch is ever half there,
 * the torn tail a kill leaves is repaired, and the dead writer's locks are gone for the next one.
 *
 * <p>SIGKILL leaves the OS page cache intact, so this proves nothing about {@code fsync}: the writer runs with fsync
 * <em>off</em>, and the test checks exactly what the store promises then (a crash of the process loses nothing the
 * OS accepted). That acknowledged appends survive a power cut, and that they would not without fsync, is proven
 * by {@link PowerLossTest}.
 */
class ProcessKillTest {
    static final String ID = "killed/conversation";
    static final int BATCH = 3;

    @TempDir
    Path dir;

    /** The writer (fsync off): appends batches forever, printing {@code ACK <entries>} after each append returned. */
    public static void main(String[] args) {
        try (FileConversationStore store = FileConversationStore.builder(Path.of(args[0])).fsync(false).build()) {
            long next = store.load(ID).size();
            String padding = "x".repeat(3000); // several KiB per batch, so a kill can land inside a write
            while (true) {
                List<TranscriptEntry> batch = Samples.chat(next, BATCH).stream()
                        .map(e -> TranscriptEntry.of(e.seq(), text(e, padding), e.at())).toList();
                store.append(ID, batch);
                next += BATCH;
                System.out.println("ACK " + next);
                System.out.flush();
            }
        }
    }

    static dev.llamakit.chat.Message text(TranscriptEntry e, String padding) {
        return e.seq() % 2 == 0 ? dev.llamakit.chat.Message.user(e.message().text() + padding)
                : dev.llamakit.chat.Message.assistant(e.message().text() + padding);
    }

    @Test
    void killingTheWriterLosesNoAcknowledgedAppendAndNeverHalfABatchEvenWithFsyncOff() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long acknowledged = 0;
        for (int round = 0; round < 3; round++) {
            Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ProcessKillTest.class.getName(), dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            AtomicLong acks = new AtomicLong(-1);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("ACK ")) {
                            acks.set(Long.parseLong(line.substring(4)));
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process was killed
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long startAcks = acknowledged;
            while (acks.get() < startAcks + 30 * BATCH && System.nanoTime() < deadline && writer.isAlive()) {
                Thread.sleep(5);
            }
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of its stdout, losing
            // the acknowledgements still in the pipe
            writer.toHandle().destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(30_000);
            assertThat(reader.isAlive()).isFalse();
            assertThat(acks.get()).as("the writer made progress in round %d", round).isGreaterThanOrEqualTo(startAcks + 30 * BATCH);
            acknowledged = acks.get();

            try (Samples.Capture log = Samples.captureLog();
                 FileConversationStore store = FileConversationStore.open(dir)) {
                List<TranscriptEntry> entries = store.load(ID).entries();
                assertThat(entries.size()).as("whole batches only").isEqualTo(entries.size() / BATCH * BATCH);
                assertThat((long) entries.size()).as("every acknowledged append survived").isGreaterThanOrEqualTo(acknowledged);
                assertThat((long) entries.size()).as("at most the one append in flight beyond them").isLessThanOrEqualTo(acknowledged + BATCH);
                for (TranscriptEntry e : entries) {
                    assertThat(e.message().text()).startsWith(e.seq() % 2 == 0 ? "question " + e.seq() : "answer " + e.seq());
                }
                acknowledged = entries.size();
            }
        }
    }
}
