package dev.llamakit.benchmarks.memory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llamakit.chat.Message;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.jdbc.JdbcConversationStore;
import dev.llamakit.memory.store.FileConversationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Appends per second (one conversation; 100 conversations over 8 threads) and the time to load a 10,000-entry
 * conversation, on the file store (fsync on) and the JDBC store on PostgreSQL (embedded, a HikariCP pool of 8), H2
 * and SQLite (files, a pool of 8). Each append is one entry (one committed transaction). A main-method harness:
 * {@code java -cp llama-benchmarks/target/benchmarks.jar dev.llamakit.benchmarks.memory.ConversationStoreThroughput}.
 */
public final class ConversationStoreThroughput {
    private static final int SINGLE = 2_000;
    private static final int THREADS = 8;
    private static final int CONVERSATIONS = 100;
    private static final int PER_CONVERSATION = 40;
    private static final int LOAD = 10_000;

    private ConversationStoreThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("store-throughput");
        System.out.println("| store | appends/s, 1 conversation | appends/s, 100 conversations / 8 threads | load 10,000 entries (ms) |");
        System.out.println("| --- | ---: | ---: | ---: |");
        try (FileConversationStore file = FileConversationStore.builder(dir.resolve("files")).build()) {
            measure("file (fsync)", file);
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
             HikariDataSource pool = pool(pg.getJdbcUrl("postgres", "postgres"))) {
            measure("PostgreSQL 14 (embedded)", JdbcConversationStore.builder(pool).createSchema(true).build());
        }
        try (HikariDataSource pool = pool("jdbc:h2:file:" + dir.resolve("h2").toAbsolutePath())) {
            measure("H2 (file)", JdbcConversationStore.builder(pool).createSchema(true).build());
        }
        try (HikariDataSource pool = pool("jdbc:sqlite:" + dir.resolve("db.sqlite").toAbsolutePath()
                + "?busy_timeout=30000")) {
            measure("SQLite (file, WAL)", JdbcConversationStore.builder(pool).createSchema(true).build());
        }
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(THREADS);
        return new HikariDataSource(config);
    }

    private static void measure(String name, ConversationStore store) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < SINGLE; i++) {
            store.append("single", List.of(entry(i)));
        }
        double single = SINGLE / seconds(t0);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long t1 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int round = 0; round < PER_CONVERSATION; round++) {
                    for (int c = thread; c < CONVERSATIONS; c += THREADS) {
                        store.append("many-" + c, List.of(entry(round)));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double many = CONVERSATIONS * PER_CONVERSATION / seconds(t1);
        pool.shutdown();

        List<TranscriptEntry> batch = new ArrayList<>();
        for (int i = 0; i < LOAD; i++) {
            batch.add(entry(i));
            if (batch.size() == 1_000) {
                store.append("load", batch);
                batch = new ArrayList<>();
            }
        }
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long t2 = System.nanoTime();
            if (store.load("load").size() != LOAD) {
                throw new IllegalStateException("lost entries");
            }
            best = Math.min(best, System.nanoTime() - t2);
        }
        System.out.printf("| %s | %,.0f | %,.0f | %,.0f |%n", name, single, many, best / 1e6);
    }

    private static TranscriptEntry entry(long seq) {
        return TranscriptEntry.of(seq, Message.user("message " + seq + ": a line of about the length of a chat turn, "
                + "a question with some context in it."), Instant.now());
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
