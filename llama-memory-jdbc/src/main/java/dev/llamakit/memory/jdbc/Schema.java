package dev.llamakit.memory.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The store's tables, version {@value #VERSION}: their names (a prefix, {@code llama_} by default, then
 * {@code schema}, {@code conversations}, {@code entries}, {@code state}) and their DDL per dialect.
 */
final class Schema {
    /** The schema version this code reads and writes; a database at a later version is refused. */
    static final int VERSION = 1;
    static final String DEFAULT_PREFIX = "llama_";
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");

    final String version;
    final String conversations;
    final String entries;
    final String state;

    Schema(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("table prefix must be lower-case letters, digits and '_', starting with "
                    + "a letter (at most 31 characters), got '" + prefix + "'");
        }
        this.version = prefix + "schema";
        this.conversations = prefix + "conversations";
        this.entries = prefix + "entries";
        this.state = prefix + "state";
    }

    /** The DDL, in order; every statement is idempotent ({@code IF NOT EXISTS}). */
    List<String> ddl(SqlDialect d) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + version + " (version INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + conversations + " ("
                        + "conversation_id VARCHAR(1024) NOT NULL PRIMARY KEY, "
                        + "head BIGINT NOT NULL, "
                        + "created_at " + d.timestamp() + " NOT NULL, "
                        + "updated_at " + d.timestamp() + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS " + conversations + "_updated ON " + conversations + " (updated_at)",
                "CREATE TABLE IF NOT EXISTS " + entries + " ("
                        + "conversation_id VARCHAR(1024) NOT NULL, "
                        + "seq BIGINT NOT NULL, "
                        + "role VARCHAR(16) NOT NULL, "
                        + "payload " + d.text() + " NOT NULL, "
                        + "flags VARCHAR(64), "
                        + "prompt_tokens BIGINT, "
                        + "completion_tokens BIGINT, "
                        + "total_tokens BIGINT, "
                        + "created_at " + d.timestamp() + " NOT NULL, "
                        + "PRIMARY KEY (conversation_id, seq))",
                "CREATE TABLE IF NOT EXISTS " + state + " ("
                        + "conversation_id VARCHAR(1024) NOT NULL, "
                        + "state_key VARCHAR(255) NOT NULL, "
                        + "state_value " + d.text() + " NOT NULL, "
                        + "updated_at " + d.timestamp() + " NOT NULL, "
                        + "PRIMARY KEY (conversation_id, state_key))");
    }

    /** Creates the tables (when missing) and records the version, in one transaction where the database allows. */
    void create(Connection c, SqlDialect d) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String sql : ddl(d)) {
                s.execute(sql);
            }
            if (storedVersion(c) < 0) {
                s.executeUpdate("INSERT INTO " + version + " (version) VALUES (" + VERSION + ")");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        for (String sql : d.afterCreate()) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    /** The version recorded in the database, {@code -1} when the version table is empty. */
    int storedVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + version)) {
            if (!rs.next()) {
                return -1;
            }
            int v = rs.getInt(1);
            return rs.wasNull() ? -1 : v;
        }
    }
}
