package dev.llamakit.memory.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llamakit.chat.Message;
import dev.llamakit.memory.ConversationConflictException;
import dev.llamakit.memory.TranscriptEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writers of {@link ConcurrentWritersTest}: {@code threads} threads of one JVM, each appending {@code attempts} times,
 * alternately to a conversation it owns alone and to one shared by every writer. Every outcome is one line:
 * {@code ACK conversation seq text} or {@code CONFLICT conversation seq}; anything else fails the writer.
 * Also a main class: the second JVM runs it and prints its lines on standard output after "go" on standard input.
 */
final class ConcurrentWriters {
    static final int CONVERSATIONS = 100;
    static final int SHARED = 20;
    static final int OWNED_PER_THREAD = 5;

    private ConcurrentWriters() {
    }

    /** args: url prefix firstThread threads attempts */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (HikariDataSource pool = pool(args[0], Integer.parseInt(args[3]))) {
            JdbcConversationStore store = JdbcConversationStore.builder(pool).tablePrefix(args[1]).build();
            store.head("warm-up");
            out.println("READY");
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            List<String> lines = run(store, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), new CountDownLatch(0));
            lines.forEach(out::println);
            out.println("DONE");
        }
    }

    static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    /** Runs the writer threads {@code firstThread ..} once {@code start} opens; their outcome lines. */
    static List<String> run(JdbcConversationStore store, int firstThread, int threads, int attempts,
                            CountDownLatch start) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = firstThread + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    return write(store, thread, attempts);
                }));
            }
            List<String> lines = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                lines.addAll(f.get());
            }
            return lines;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> write(JdbcConversationStore store, int thread, int attempts) {
        Random random = new Random(thread);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            String id = i % 2 == 0 ? "conv-" + (SHARED + thread * OWNED_PER_THREAD + (i / 2) % OWNED_PER_THREAD)
                    : "conv-" + random.nextInt(SHARED);
            long head = store.head(id);
            // every fourth attempt on a shared conversation writes after a stale head: a loss for certain
            long seq = i % 4 == 3 && head >= 0 ? head : head + 1;
            String text = "writer " + thread + " attempt " + i;
            try {
                store.append(id, List.of(TranscriptEntry.of(seq, Message.user(text), Instant.now())));
                lines.add("ACK " + id + " " + seq + " " + text);
            } catch (ConversationConflictException e) {
                lines.add("CONFLICT " + id + " " + seq);
            }
        }
        return Collections.unmodifiableList(lines);
    }
}
