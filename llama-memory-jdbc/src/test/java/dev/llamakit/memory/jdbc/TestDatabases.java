package dev.llamakit.memory.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The real databases of the tests: one embedded PostgreSQL server per test JVM, H2 and SQLite files. */
final class TestDatabases {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** The shared PostgreSQL server, started on first use and stopped when the JVM exits. */
    static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres pg = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is going
                }
            }));
        }
        return postgres;
    }

    static String postgresUrl() {
        return postgres().getJdbcUrl("postgres", "postgres");
    }

    static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("h2").toAbsolutePath() + ";LOCK_TIMEOUT=30000;DB_CLOSE_DELAY=-1";
    }

    static String sqliteUrl(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("store.sqlite").toAbsolutePath();
    }

    /** A fresh table prefix: a new, empty store in a shared database. */
    static String freshPrefix() {
        return "t" + ProcessHandle.current().pid() + "_" + PREFIXES.incrementAndGet() + "_";
    }
}
