package dev.llamakit.memory.jdbc;

/**
 * The database could not be reached, or the connection broke, or it was too busy: the same call may succeed later,
 * on the same store object. A read failed without effect. An {@linkplain JdbcConversationStore#append append} that
 * fails so was not acknowledged: it is stored or not, never in part; compare
 * {@link JdbcConversationStore#head(String)} with the seq you wrote to know which.
 */
public final class StoreUnavailableException extends JdbcStoreException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
