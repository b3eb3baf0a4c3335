package dev.llamakit.memory.jdbc;

import dev.llamakit.memory.ConversationConflictException;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.store.EntryRecords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A {@link ConversationStore} in a relational database through JDBC: every instance of an application that opens it
 * on the same database shares its conversations. PostgreSQL is the first target; H2 and SQLite work too.
 *
 * <p>Appends are optimistic: each names the seq it follows (its first entry's seq is the stored head + 1); the
 * conversation's row is moved from that head to the new one with a compare-and-set {@code UPDATE} (or created, for
 * seq 0), and the entries are inserted, in one transaction. A writer that lost the race gets a
 * {@link ConversationConflictException} and nothing of its append is stored. An append that returns is committed.
 * A database that cannot be reached gives a {@link StoreUnavailableException} (retryable); the store object keeps
 * working once the database is back.
 *
 * <p>Entries are stored as the file store's JSON records ({@link EntryRecords}), one row each; role, flags, usage
 * and time are copied into columns for queries. The DDL is in {@code docs/memory.md}; with
 * {@link Builder#createSchema(boolean) createSchema(true)} the store creates missing tables on first use.
 *
 * <pre>{@code
 * ConversationStore store = JdbcConversationStore.builder(dataSource).createSchema(true).build();
 * }</pre>
 */
public final class JdbcConversationStore implements ConversationStore {
    /** Entries read per round trip when loading. */
    static final int FETCH_SIZE = 500;
    private static final int MAX_ID_LENGTH = 1024;
    private static final int MAX_KEY_LENGTH = 255;

    private final DataSource dataSource;
    private final Schema schema;
    private final boolean createSchema;
    private final Clock clock;
    private volatile SqlDialect dialect;
    private volatile boolean ready;

    private JdbcConversationStore(Builder b) {
        this.dataSource = b.dataSource;
        this.schema = new Schema(b.tablePrefix);
        this.createSchema = b.createSchema;
        this.clock = b.clock;
        this.dialect = b.dialect;
    }

    /** A store on an application's data source (any pool, or none). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /**
     * A store on a JDBC URL, opening a connection per operation through {@link java.sql.DriverManager} (the driver
     * must be on the class path). {@code user} and {@code password} may be null (then the URL or the driver's
     * defaults apply).
     */
    public static Builder builder(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL (it starts with jdbc:): " + redact(jdbcUrl));
        }
        SqlDialect d = SqlDialect.of(jdbcUrl);
        return new Builder(new UrlDataSource(jdbcUrl, user, password, d.connectionProperties()), d);
    }

    @Override
    public void append(String conversationId, List<TranscriptEntry> entries) {
        checkId(conversationId);
        Objects.requireNonNull(entries, "entries");
        List<TranscriptEntry> batch = List.copyOf(entries);
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).seq();
        for (int i = 1; i < batch.size(); i++) {
            if (batch.get(i).seq() != first + i) {
                throw new ConversationConflictException(conversationId, batch.get(i).seq(), first + i);
            }
        }
        long last = first + batch.size() - 1;
        List<String> payloads = new ArrayList<>(batch.size());
        batch.forEach(e -> payloads.add(EntryRecords.toJson(e)));
        boolean won = inTransaction("append to conversation '" + conversationId + "'", c -> {
            Timestamp now = Timestamp.from(clock.instant());
            if (!moveHead(c, conversationId, first, last, now)) {
                c.rollback(); // PostgreSQL has aborted the transaction after a duplicate key
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.entries
                    + " (conversation_id, seq, role, payload, flags, prompt_tokens, completion_tokens, total_tokens,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < batch.size(); i++) {
                    bindEntry(ps, conversationId, batch.get(i), payloads.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return true;
        });
        if (!won) {
            throw new ConversationConflictException(conversationId, first, headOrUnknown(conversationId) + 1);
        }
    }

    /** Moves the conversation's head from {@code first - 1} to {@code last}; false when another writer was first. */
    private boolean moveHead(Connection c, String id, long first, long last, Timestamp now) throws SQLException {
        if (first == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema.conversations
                    + " (conversation_id, head, created_at, updated_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setLong(2, last);
                ps.setTimestamp(3, now);
                ps.setTimestamp(4, now);
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (dialect().isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema.conversations
                + " SET head = ?, updated_at = ? WHERE conversation_id = ? AND head = ?")) {
            ps.setLong(1, last);
            ps.setTimestamp(2, now);
            ps.setString(3, id);
            ps.setLong(4, first - 1);
            return ps.executeUpdate() == 1;
        }
    }

    private static void bindEntry(PreparedStatement ps, String id, TranscriptEntry e, String payload)
            throws SQLException {
        ps.setString(1, id);
        ps.setLong(2, e.seq());
        ps.setString(3, e.message().role().wireName());
        ps.setString(4, payload);
        if (e.flags().isEmpty()) {
            ps.setNull(5, Types.VARCHAR);
        } else {
            StringJoiner flags = new StringJoiner(",");
            EnumSet.copyOf(e.flags()).forEach(f -> flags.add(f.name()));
            ps.setString(5, flags.toString());
        }
        if (e.usage() == null) {
            ps.setNull(6, Types.BIGINT);
            ps.setNull(7, Types.BIGINT);
            ps.setNull(8, Types.BIGINT);
        } else {
            ps.setLong(6, e.usage().promptTokens());
            ps.setLong(7, e.usage().completionTokens());
            ps.setLong(8, e.usage().totalTokens());
        }
        ps.setTimestamp(9, Timestamp.from(e.at()));
    }

    /** The head for a conflict's message: {@code -2} (so "next is -1") when it cannot be read just now. */
    private long headOrUnknown(String conversationId) {
        try {
            return head(conversationId);
        } catch (JdbcStoreException e) {
            return -2;
        }
    }

    /** The seq of the conversation's last entry, {@code -1} when it has none: one row read. */
    @Override
    public long head(String conversationId) {
        checkId(conversationId);
        return query("read the head of conversation '" + conversationId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT head FROM " + schema.conversations
                    + " WHERE conversation_id = ?")) {
                ps.setString(1, conversationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1L;
                }
            }
        });
    }

    @Override
    public Transcript load(String conversationId) {
        List<TranscriptEntry> all = new ArrayList<>();
        forEachEntry(conversationId, all::add);
        return Transcript.of(all);
    }

    /**
     * Reads the conversation's entries in order, handing each to {@code action} as it arrives: the rows are fetched
     * {@value #FETCH_SIZE} at a time (PostgreSQL through a cursor), so a long conversation is never all in memory.
     * The entries are those of one consistent read. Returns how many there were.
     */
    public long forEachEntry(String conversationId, Consumer<? super TranscriptEntry> action) {
        checkId(conversationId);
        Objects.requireNonNull(action, "action");
        return inTransaction("load conversation '" + conversationId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM " + schema.entries
                    + " WHERE conversation_id = ? ORDER BY seq")) {
                ps.setFetchSize(FETCH_SIZE);
                ps.setString(1, conversationId);
                long n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        action.accept(entry(conversationId, rs.getString(1)));
                        n++;
                    }
                }
                return n;
            }
        });
    }

    @Override
    public List<TranscriptEntry> loadLast(String conversationId, int count) {
        checkId(conversationId);
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        if (count == 0) {
            return List.of();
        }
        return query("load the last entries of conversation '" + conversationId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM " + schema.entries
                    + " WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?")) {
                ps.setString(1, conversationId);
                ps.setInt(2, count);
                List<TranscriptEntry> last = new ArrayList<>(Math.min(count, FETCH_SIZE));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last.add(entry(conversationId, rs.getString(1)));
                    }
                }
                Collections.reverse(last);
                return List.copyOf(last);
            }
        });
    }

    private static TranscriptEntry entry(String conversationId, String payload) {
        try {
            return EntryRecords.fromJson(payload);
        } catch (IllegalArgumentException e) {
            throw new JdbcStoreException("a stored entry of conversation '" + conversationId + "' cannot be read: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> getState(String conversationId, String key) {
        checkId(conversationId);
        checkKey(key);
        return query("read state '" + key + "' of conversation '" + conversationId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state_value FROM " + schema.state
                    + " WHERE conversation_id = ? AND state_key = ?")) {
                ps.setString(1, conversationId);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void putState(String conversationId, String key, String value) {
        checkId(conversationId);
        checkKey(key);
        Objects.requireNonNull(value, "value");
        query("store state '" + key + "' of conversation '" + conversationId + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement(dialect().upsertState(schema.state))) {
                ps.setString(1, conversationId);
                ps.setString(2, key);
                ps.setString(3, value);
                ps.setTimestamp(4, Timestamp.from(clock.instant()));
                return ps.executeUpdate();
            }
        });
    }

    /** Every conversation with entries or state values. */
    @Override
    public Set<String> conversationIds() {
        return query("list the conversations", c -> {
            Set<String> ids = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT conversation_id FROM " + schema.conversations
                    + " UNION SELECT conversation_id FROM " + schema.state);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return Set.copyOf(ids);
        });
    }

    /** Deletes a conversation (its entries and state) at once; false when there was nothing to delete. */
    public boolean delete(String conversationId) {
        checkId(conversationId);
        return inTransaction("delete conversation '" + conversationId + "'", c -> deleteRows(c, conversationId) > 0);
    }

    private int deleteRows(Connection c, String id) throws SQLException {
        int n = 0;
        for (String table : List.of(schema.entries, schema.state, schema.conversations)) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE conversation_id = ?")) {
                ps.setString(1, id);
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    /**
     * The retention sweep: deletes every conversation with no append for {@code idle} (and state values, of
     * conversations without entries, written no later than that). A conversation appended to during the sweep is
     * kept. Returns how many conversations were deleted.
     */
    public int deleteIdle(Duration idle) {
        Objects.requireNonNull(idle, "idle");
        if (idle.isNegative()) {
            throw new IllegalArgumentException("idle must not be negative, got " + idle);
        }
        Timestamp cutoff = Timestamp.from(clock.instant().minus(idle));
        List<String> candidates = query("find idle conversations", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT conversation_id FROM " + schema.conversations
                    + " WHERE updated_at < ?")) {
                ps.setTimestamp(1, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        int deleted = 0;
        for (String id : candidates) {
            boolean gone = inTransaction("delete idle conversation '" + id + "'", c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.conversations
                        + " WHERE conversation_id = ? AND updated_at < ?")) {
                    ps.setString(1, id);
                    ps.setTimestamp(2, cutoff);
                    if (ps.executeUpdate() == 0) {
                        return false; // appended to since: kept
                    }
                }
                deleteRows(c, id);
                return true;
            });
            deleted += gone ? 1 : 0;
        }
        query("delete idle state values", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + schema.state + " WHERE updated_at < ?"
                    + " AND conversation_id NOT IN (SELECT conversation_id FROM " + schema.conversations + ")")) {
                ps.setTimestamp(1, cutoff);
                return ps.executeUpdate();
            }
        });
        return deleted;
    }

    /** The DDL this store runs with {@code createSchema(true)}, for the database it is on. */
    public List<String> ddl() {
        return schema.ddl(dialect());
    }

    /** Nothing to free: connections are borrowed per operation and the data source is the caller's to close. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "JdbcConversationStore[" + dataSource + ", tables " + schema.conversations + "...]";
    }

    // --- connections, transactions and errors

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** One statement (or a few reads) in auto-commit mode. */
    private <T> T query(String what, Work<T> work) {
        ensureSchema();
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Work in one transaction: committed when it returns, rolled back when it throws. */
    private <T> T inTransaction(String what, Work<T> work) {
        ensureSchema();
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c, auto);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection c, boolean auto) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(auto);
            }
        } catch (SQLException ignored) {
            // a broken connection: the pool discards it
        }
    }

    private JdbcStoreException failure(String what, SQLException e) {
        SqlDialect d = dialect != null ? dialect : SqlDialect.POSTGRESQL;
        String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        if (SqlDialect.isTransient(e, d)) {
            return new StoreUnavailableException("cannot " + what + ": the database is unavailable (" + reason
                    + "); try again", e);
        }
        return new JdbcStoreException("cannot " + what + ": " + reason, e);
    }

    private SqlDialect dialect() {
        SqlDialect d = dialect;
        if (d == null) {
            ensureSchema();
            d = dialect;
        }
        return d;
    }

    /** On first use: learns the dialect, creates the tables when allowed, and checks the schema version. */
    private void ensureSchema() {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            try (Connection c = dataSource.getConnection()) {
                if (dialect == null) {
                    dialect = SqlDialect.of(c.getMetaData().getDatabaseProductName());
                }
                if (createSchema) {
                    schema.create(c, dialect);
                }
                checkVersion(c);
                ready = true;
            } catch (SQLException e) {
                JdbcStoreException f = failure("open the conversation tables", e);
                if (f instanceof StoreUnavailableException) {
                    throw f;
                }
                throw new JdbcStoreException("cannot read the conversation tables (" + schema.version + ", "
                        + schema.conversations + ", ...): create them with the DDL in docs/memory.md or set "
                        + "create-schema=true (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
            }
        }
    }

    private void checkVersion(Connection c) throws SQLException {
        int v = schema.storedVersion(c);
        if (v < 0) {
            throw new JdbcStoreException("the table " + schema.version + " holds no version: create the schema with "
                    + "the DDL in docs/memory.md (which records version " + Schema.VERSION + ") or set create-schema=true",
                    null);
        }
        if (v > Schema.VERSION) {
            throw new JdbcStoreException("the conversation tables are at schema version " + v + "; this llamakit reads "
                    + "version " + Schema.VERSION + ": upgrade llamakit", null);
        }
    }

    private static void checkId(String conversationId) {
        Objects.requireNonNull(conversationId, "conversationId");
        if (conversationId.isEmpty() || conversationId.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("conversation id must have 1 to " + MAX_ID_LENGTH + " characters");
        }
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("state key must have 1 to " + MAX_KEY_LENGTH + " characters");
        }
    }

    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    /** Options of a {@link JdbcConversationStore}. */
    public static final class Builder {
        private final DataSource dataSource;
        private final SqlDialect dialect;
        private String tablePrefix = Schema.DEFAULT_PREFIX;
        private boolean createSchema;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource, SqlDialect dialect) {
            this.dataSource = dataSource;
            this.dialect = dialect;
        }

        /** Create missing tables on first use (default {@code false}: a DBA creates them from docs/memory.md). */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /** The prefix of the table names (default {@code llama_}): lower-case letters, digits and '_'. */
        public Builder tablePrefix(String tablePrefix) {
            new Schema(Objects.requireNonNull(tablePrefix, "tablePrefix"));
            this.tablePrefix = tablePrefix;
            return this;
        }

        /** The clock of the {@code created_at}/{@code updated_at} columns and of the retention sweep; for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public JdbcConversationStore build() {
            return new JdbcConversationStore(this);
        }
    }
}
