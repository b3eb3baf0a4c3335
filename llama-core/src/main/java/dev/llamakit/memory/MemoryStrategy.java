package dev.llamakit.memory;

/**
 * Chooses the messages of the next request from a conversation's transcript, within a token budget. A strategy
 * never changes the transcript. Rules every strategy keeps (checked by the contract kit in llama-testkit): the
 * system message comes first; a tool call and its results are kept or dropped together; the budget is never
 * exceeded; the same input gives the same output. Implementations must be thread-safe (a conversation calls one
 * at a time, but one strategy may serve many conversations).
 */
public interface MemoryStrategy {

    /** The strategy's provider name, e.g. {@code sliding-window}. */
    String name();

    /**
     * Chooses the context for the next request.
     *
     * @throws ContextTooLargeException when even the smallest valid context (system message and the current user
     *     turn) does not fit the budget
     */
    MemoryContext select(MemoryInput input);
}
