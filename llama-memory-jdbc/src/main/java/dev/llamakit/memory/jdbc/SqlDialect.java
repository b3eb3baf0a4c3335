package dev.llamakit.memory.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;
import java.util.Properties;

/**
 * Everything the store's SQL does differently per database: column types, the upsert of a state value, and how a
 * driver reports a duplicate key or a busy database. All else is standard SQL run unchanged on each.
 */
enum SqlDialect {
    POSTGRESQL("TEXT", "TIMESTAMP WITH TIME ZONE"),
    H2("CHARACTER LARGE OBJECT", "TIMESTAMP WITH TIME ZONE"),
    SQLITE("TEXT", "TIMESTAMP");

    /** SQLite's error code for "the database is locked" (another connection writes). */
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_CONSTRAINT = 19;

    private final String textType;
    private final String timestampType;

    SqlDialect(String textType, String timestampType) {
        this.textType = textType;
        this.timestampType = timestampType;
    }

    /** The dialect of a JDBC URL or a database product name; PostgreSQL's for anything else (standard SQL). */
    static SqlDialect of(String urlOrProductName) {
        String s = urlOrProductName.toLowerCase(Locale.ROOT);
        if (s.startsWith("jdbc:h2:") || s.equals("h2")) {
            return H2;
        }
        if (s.startsWith("jdbc:sqlite:") || s.equals("sqlite")) {
            return SQLITE;
        }
        return POSTGRESQL;
    }

    /** An unbounded text column. */
    String text() {
        return textType;
    }

    /** A point in time. */
    String timestamp() {
        return timestampType;
    }

    /** Insert-or-replace of a state value; parameters: conversation id, key, value, updated at. */
    String upsertState(String table) {
        if (this == H2) {
            return "MERGE INTO " + table + " (conversation_id, state_key, state_value, updated_at) "
                    + "KEY (conversation_id, state_key) VALUES (?, ?, ?, ?)";
        }
        return "INSERT INTO " + table + " (conversation_id, state_key, state_value, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (conversation_id, state_key) DO UPDATE SET state_value = excluded.state_value, "
                + "updated_at = excluded.updated_at";
    }

    /** Statements run once when the schema is created (after the tables). */
    String[] afterCreate() {
        // WAL lets readers go on while one connection writes; it is a property of the database file
        return this == SQLITE ? new String[] {"PRAGMA journal_mode=WAL"} : new String[0];
    }

    /** Connection properties for a store opened on a URL. */
    Properties connectionProperties() {
        Properties p = new Properties();
        if (this == SQLITE) {
            // wait for another connection's write instead of failing at once
            p.setProperty("busy_timeout", "30000");
        }
        return p;
    }

    /** A primary-key or unique violation: another writer inserted the same row first. */
    boolean isDuplicateKey(SQLException e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException x && ("23505".equals(x.getSQLState())
                    || this == SQLITE && (x.getErrorCode() & 0xff) == SQLITE_CONSTRAINT)) {
                return true;
            }
        }
        return false;
    }

    /** The database was unreachable, the connection broke, or it was busy: trying again may work. */
    static boolean isTransient(SQLException e, SqlDialect dialect) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException x) {
                String state = x.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
                        || state.equals("40001") || state.equals("40P01") || state.equals("HYT00"))) {
                    return true;
                }
                int code = x.getErrorCode() & 0xff;
                if (dialect == SQLITE && (code == SQLITE_BUSY || code == SQLITE_LOCKED)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
