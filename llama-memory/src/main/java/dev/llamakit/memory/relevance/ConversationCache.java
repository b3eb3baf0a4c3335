package dev.llamakit.memory.relevance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The per-conversation state a strategy keeps between turns, by conversation id: the most recently used
 * {@value #CAPACITY} conversations (a conversation whose state was dropped is rebuilt from its transcript on its next
 * turn, once). Thread-safe; callers lock the state they get while they use it.
 */
public final class ConversationCache<S> {
    /** How many conversations' states are kept. */
    public static final int CAPACITY = 256;

    private final Map<String, S> states = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, S> eldest) {
            return size() > CAPACITY;
        }
    };

    /**
     * Applies {@code action} to the state of {@code conversationId} (created when there is none) while holding that
     * state's lock, so that one conversation's turns are chosen one at a time and other conversations' in parallel.
     */
    public <R> R locked(String conversationId, Supplier<S> create, Function<S, R> action) {
        S state = get(conversationId, create);
        synchronized (state) {
            return action.apply(state);
        }
    }

    /** The state of {@code conversationId}, created when there is none. */
    public synchronized S get(String conversationId, Supplier<S> create) {
        S state = states.get(conversationId);
        if (state == null) {
            state = create.get();
            states.put(conversationId, state);
        }
        return state;
    }
}
