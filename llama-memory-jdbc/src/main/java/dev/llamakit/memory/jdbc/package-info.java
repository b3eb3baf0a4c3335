/**
 * A conversation store in a SQL database through JDBC ({@link dev.llamakit.memory.jdbc.JdbcConversationStore},
 * provider name {@code jdbc}): PostgreSQL first, H2 and SQLite tested; shared by every instance of an application.
 */
package dev.llamakit.memory.jdbc;
