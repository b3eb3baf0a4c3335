package dev.llamakit.memory.jdbc;

import dev.llamakit.client.error.LlamaException;

/**
 * The database refused or failed an operation of a {@link JdbcConversationStore} for a reason that trying again will
 * not cure (a missing or newer schema, a value the database cannot hold, SQL the database rejects). The cause is
 * the driver's {@link java.sql.SQLException}, when there is one.
 */
public class JdbcStoreException extends LlamaException {
    public JdbcStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same call may succeed later; {@code false} here, {@code true} for {@link StoreUnavailableException}. */
    public boolean retryable() {
        return false;
    }
}
