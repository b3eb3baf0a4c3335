package dev.llamakit.memory;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps conversations: their transcripts, append-only, and the strategy state beside them. Appending never
 * rewrites what is stored; a call either stores all the entries it was given or none. Implementations must be
 * thread-safe.
 */
public interface ConversationStore extends AutoCloseable {

    /**
     * Appends entries to a conversation (creating it). Their {@code seq} must continue the stored transcript: this
     * is the store's optimistic-concurrency check, so two writers that both read the transcript up to the same
     * entry cannot both append after it.
     *
     * @throws ConversationConflictException when the numbering does not continue the stored transcript (another
     *     writer appended first); nothing is stored then
     */
    void append(String conversationId, List<TranscriptEntry> entries);

    /**
     * The seq of the conversation's last entry, {@code -1} when it has none (or does not exist). A writer compares
     * it with the last seq it has seen before doing anything costly (a {@link Conversation} does so before calling
     * the model). The default reads {@code loadLast(conversationId, 1)}; stores that know their head cheaply
     * override it.
     */
    default long head(String conversationId) {
        List<TranscriptEntry> last = loadLast(conversationId, 1);
        return last.isEmpty() ? -1 : last.get(last.size() - 1).seq();
    }

    /** The whole transcript (empty for an unknown id). */
    Transcript load(String conversationId);

    /** The last {@code count} entries, in order. */
    List<TranscriptEntry> loadLast(String conversationId, int count);

    /** The stored state value, if any. */
    Optional<String> getState(String conversationId, String key);

    /** Stores a state value, replacing the old one. */
    void putState(String conversationId, String key, String value);

    /** The ids of the stored conversations. */
    Set<String> conversationIds();

    /** Frees resources; the default does nothing. */
    @Override
    default void close() {
    }

    /** The state of one conversation, backed by this store. */
    default StrategyState stateOf(String conversationId) {
        ConversationStore store = this;
        return new StrategyState() {
            @Override
            public Optional<String> get(String key) {
                return store.getState(conversationId, key);
            }

            @Override
            public void put(String key, String value) {
                store.putState(conversationId, key, value);
            }
        };
    }
}
