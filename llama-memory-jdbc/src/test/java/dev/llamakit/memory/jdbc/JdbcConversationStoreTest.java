package dev.llamakit.memory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.memory.ConversationConflictException;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.ConversationStores;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.store.EntryRecords;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the JDBC store adds to the contract: delete, retention, streaming, the schema, the provider; on each database. */
class JdbcConversationStoreTest {
    private static final Instant T = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    static Path dir;

    static Stream<String> urls() {
        return Stream.of(TestDatabases.postgresUrl(), TestDatabases.h2Url(dir), TestDatabases.sqliteUrl(dir));
    }

    private static JdbcConversationStore store(String url, String prefix, Clock clock) {
        return JdbcConversationStore.builder(url, null, null).tablePrefix(prefix).createSchema(true).clock(clock).build();
    }

    private static JdbcConversationStore store(String url) {
        return store(url, TestDatabases.freshPrefix(), Clock.systemUTC());
    }

    private static List<TranscriptEntry> entries(long from, int count) {
        List<TranscriptEntry> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(TranscriptEntry.of(from + i, Message.user("message " + (from + i)), T.plusSeconds(from + i)));
        }
        return list;
    }

    @ParameterizedTest
    @MethodSource("urls")
    void deletesAConversationWithItsState(String url) {
        JdbcConversationStore store = store(url);
        store.append("a", entries(0, 3));
        store.putState("a", "summary", "s");
        store.append("b", entries(0, 1));
        assertThat(store.delete("a")).isTrue();
        assertThat(store.delete("a")).isFalse();
        assertThat(store.load("a").isEmpty()).isTrue();
        assertThat(store.head("a")).isEqualTo(-1);
        assertThat(store.getState("a", "summary")).isEmpty();
        assertThat(store.conversationIds()).containsExactly("b");
        store.append("a", entries(0, 1)); // a deleted id starts again at 0
        assertThat(store.head("a")).isZero();
    }

    @ParameterizedTest
    @MethodSource("urls")
    void sweepsConversationsIdleForTheRetentionPeriod(String url) {
        String prefix = TestDatabases.freshPrefix();
        Instant day0 = Instant.parse("2026-01-01T00:00:00Z");
        JdbcConversationStore old = store(url, prefix, Clock.fixed(day0, ZoneOffset.UTC));
        old.append("stale", entries(0, 2));
        old.putState("stale", "summary", "x");
        old.append("revived", entries(0, 1));
        old.putState("state-only", "k", "v");
        JdbcConversationStore later = store(url, prefix, Clock.fixed(day0.plus(Duration.ofDays(10)), ZoneOffset.UTC));
        later.append("revived", entries(1, 1));
        later.append("fresh", entries(0, 1));

        assertThat(later.deleteIdle(Duration.ofDays(30))).isZero();
        assertThat(later.deleteIdle(Duration.ofDays(7))).isEqualTo(1);
        assertThat(later.conversationIds()).containsExactlyInAnyOrder("revived", "fresh");
        assertThat(later.getState("stale", "summary")).isEmpty();
        assertThat(later.load("revived").size()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("urls")
    void storesTheFileStoresEntryRecordsAndQueryableColumns(String url) throws SQLException {
        String prefix = TestDatabases.freshPrefix();
        JdbcConversationStore store = store(url, prefix, Clock.systemUTC());
        TranscriptEntry entry = TranscriptEntry.of(0, Message.user("hi \u2014 \ud83d\ude00"), T);
        store.append("c", List.of(entry));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT role, payload, flags, total_tokens FROM " + prefix + "entries")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("user");
            assertThat(rs.getString(2)).isEqualTo(EntryRecords.toJson(entry));
            assertThat(rs.getString(3)).isNull();
            assertThat(rs.getObject(4)).isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("urls")
    void streamsEntriesInOrder(String url) {
        JdbcConversationStore store = store(url);
        for (int i = 0; i < 3; i++) {
            store.append("long", entries(i * 700L, 700));
        }
        AtomicLong expected = new AtomicLong();
        long n = store.forEachEntry("long", e -> assertThat(e.seq()).isEqualTo(expected.getAndIncrement()));
        assertThat(n).isEqualTo(2100);
        assertThat(store.forEachEntry("nobody", e -> { })).isZero();
    }

    @ParameterizedTest
    @MethodSource("urls")
    void aConflictNamesTheStoredHead(String url) {
        JdbcConversationStore store = store(url);
        store.append("c", entries(0, 4));
        assertThatThrownBy(() -> store.append("c", entries(2, 1)))
                .isInstanceOfSatisfying(ConversationConflictException.class, e -> assertThat(e.nextSeq()).isEqualTo(4));
        assertThatThrownBy(() -> store.append("other", entries(1, 1)))
                .isInstanceOfSatisfying(ConversationConflictException.class, e -> assertThat(e.nextSeq()).isZero());
        assertThat(store.conversationIds()).containsExactly("c");
    }

    @Test
    void withoutCreateSchemaMissingTablesAreAClearError() {
        JdbcConversationStore store = JdbcConversationStore.builder(TestDatabases.h2Url(dir), null, null)
                .tablePrefix(TestDatabases.freshPrefix()).build();
        assertThatThrownBy(() -> store.head("c"))
                .isInstanceOfSatisfying(JdbcStoreException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("docs/memory.md").hasMessageContaining("create-schema=true");
    }

    @Test
    void aNewerSchemaVersionIsRefused() throws SQLException {
        String prefix = TestDatabases.freshPrefix();
        String url = TestDatabases.sqliteUrl(dir);
        store(url, prefix, Clock.systemUTC()).head("c");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + prefix + "schema SET version = 99");
        }
        assertThatThrownBy(() -> JdbcConversationStore.builder(url, null, null).tablePrefix(prefix).build().head("c"))
                .isInstanceOf(JdbcStoreException.class).hasMessageContaining("version 99");
    }

    @Test
    void theDdlTheDocsShowIsTheDdlTheStoreRuns() {
        JdbcConversationStore store = store(TestDatabases.postgresUrl(), "llama_", Clock.systemUTC());
        store.head("c");
        assertThat(String.join(";\n", store.ddl())).contains("CREATE TABLE IF NOT EXISTS llama_entries (")
                .contains("PRIMARY KEY (conversation_id, seq)");
    }

    @Test
    void isFoundByNameOnAUrlOrADataSource() {
        assertThat(ConversationStores.available()).contains("jdbc");
        String url = TestDatabases.postgresUrl();
        String prefix = TestDatabases.freshPrefix();
        try (ConversationStore byUrl = ConversationStores.create("jdbc", ProviderOptions.builder().put("url", url)
                .put("table-prefix", prefix).put("create-schema", "true").build());
             ConversationStore byDataSource = ConversationStores.create("jdbc", ProviderOptions.builder()
                     .service(javax.sql.DataSource.class, TestDatabases.postgres().getPostgresDatabase())
                     .put("table-prefix", prefix).build())) {
            byUrl.append("c", entries(0, 1));
            assertThat(byDataSource.load("c").size()).isEqualTo(1);
            assertThat(byDataSource.conversationIds()).isEqualTo(Set.of("c"));
        }
        assertThatThrownBy(() -> ConversationStores.create("jdbc", ProviderOptions.builder().build()))
                .hasMessageContaining("url");
    }
}
