package dev.llamakit.memory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 8 threads in this JVM and 8 in a second JVM append to 100 conversations on one PostgreSQL server: 80 owned by one
 * thread each, 20 shared by all. Every acknowledged append is stored exactly once, every transcript is numbered
 * without a gap, every attempt that was not acknowledged got the typed conflict, and nobody conflicts on a
 * conversation of its own.
 */
class ConcurrentWritersTest {
    private static final int THREADS = 8;
    private static final int ATTEMPTS = 40;

    @Test
    void twoJvmsAndEightThreadsEachLoseNothingAndStoreNothingTwice() throws Exception {
        String url = TestDatabases.postgresUrl();
        String prefix = TestDatabases.freshPrefix();
        try (HikariDataSource pool = ConcurrentWriters.pool(url, THREADS)) {
            JdbcConversationStore store = JdbcConversationStore.builder(pool).tablePrefix(prefix).createSchema(true).build();
            store.head("create the schema");

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ConcurrentWriters.class.getName(), url, prefix, String.valueOf(THREADS), String.valueOf(THREADS),
                    String.valueOf(ATTEMPTS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                 OutputStream in = child.getOutputStream()) {
                assertThat(out.readLine()).isEqualTo("READY");
                CountDownLatch start = new CountDownLatch(1);
                Thread here = new Thread(() -> {
                    try {
                        List<String> mine = ConcurrentWriters.run(store, 0, THREADS, ATTEMPTS, start);
                        synchronized (lines) {
                            lines.addAll(mine);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                here.start();
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                start.countDown();
                List<String> theirs = new ArrayList<>();
                for (String line = out.readLine(); line != null && !line.equals("DONE"); line = out.readLine()) {
                    theirs.add(line);
                }
                here.join();
                synchronized (lines) {
                    lines.addAll(theirs);
                }
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();

            assertThat(lines).hasSize(2 * THREADS * ATTEMPTS)
                    .allMatch(l -> l.startsWith("ACK ") || l.startsWith("CONFLICT "));
            Map<String, List<String>> acked = new HashMap<>();
            long conflicts = 0;
            for (String line : lines) {
                String[] parts = line.split(" ", 4);
                if (parts[0].equals("ACK")) {
                    acked.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[2] + " " + parts[3]);
                } else {
                    conflicts++;
                    int conv = Integer.parseInt(parts[1].substring("conv-".length()));
                    assertThat(conv).as("a conflict on an owned conversation").isLessThan(ConcurrentWriters.SHARED);
                }
            }
            assertThat(conflicts).as("the shared conversations saw races").isPositive();
            assertThat(store.conversationIds()).hasSize(ConcurrentWriters.CONVERSATIONS);
            long stored = 0;
            for (String id : store.conversationIds()) {
                Transcript t = store.load(id); // Transcript.of checks the numbering 0, 1, 2... without a gap
                List<String> found = new ArrayList<>();
                for (TranscriptEntry e : t.entries()) {
                    found.add(e.seq() + " " + e.message().text());
                }
                assertThat(found).as(id).containsExactlyInAnyOrderElementsOf(acked.get(id));
                stored += t.size();
            }
            assertThat(stored + conflicts).isEqualTo(2L * THREADS * ATTEMPTS);
        }
    }
}
