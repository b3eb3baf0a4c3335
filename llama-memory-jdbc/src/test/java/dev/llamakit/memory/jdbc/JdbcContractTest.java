package dev.llamakit.memory.jdbc;

import dev.llamakit.memory.ConversationStore;
import dev.llamakit.tck.ConversationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConversationStoreContract}, unchanged, on PostgreSQL, H2 and SQLite: every store gets tables of its own;
 * {@code reopen} builds a new store object on the same tables.
 */
class JdbcContractTest {

    abstract static class OnUrl extends ConversationStoreContract {
        abstract String url();

        String user() {
            return null;
        }

        @Override
        protected ConversationStore newStore() {
            return JdbcConversationStore.builder(url(), user(), null).tablePrefix(TestDatabases.freshPrefix())
                    .createSchema(true).build();
        }

        @Override
        protected ConversationStore reopen(ConversationStore store) {
            store.close();
            String prefix = ((JdbcConversationStore) store).ddl().get(0).split(" ")[5].replace("schema", "");
            return JdbcConversationStore.builder(url(), user(), null).tablePrefix(prefix).build();
        }
    }

    @Nested
    class PostgreSql extends OnUrl {
        @Override
        String url() {
            return TestDatabases.postgresUrl();
        }
    }

    @Nested
    class H2 extends OnUrl {
        @TempDir
        Path dir;

        @Override
        String url() {
            return TestDatabases.h2Url(dir);
        }
    }

    @Nested
    class Sqlite extends OnUrl {
        @TempDir
        Path dir;

        @Override
        String url() {
            return TestDatabases.sqliteUrl(dir);
        }
    }
}
