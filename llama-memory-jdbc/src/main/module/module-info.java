/**
 * llamakit's JDBC conversation store ({@code jdbc}): conversations in PostgreSQL, H2 or SQLite, found by name through
 * the registry in {@code dev.llamakit.core}. The JDBC driver is the application's.
 */
module dev.llamakit.memory.jdbc {
    requires transitive dev.llamakit.core;
    requires transitive java.sql;
    requires dev.llamakit.memory;

    exports dev.llamakit.memory.jdbc;

    provides dev.llamakit.memory.ConversationStoreProvider with dev.llamakit.memory.jdbc.JdbcConversationStoreProvider;
}
