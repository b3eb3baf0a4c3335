package dev.llamakit.memory;

import dev.llamakit.client.error.LlamaException;

/**
 * A write to a conversation lost a race: its entries do not continue the stored transcript, because another writer
 * (another {@link Conversation} object, thread or process on the same id) appended first. Thrown by
 * {@link ConversationStore#append} (nothing was stored) and by a {@link Conversation} that finds, before calling the
 * model, that the store has moved on since it last read it (nothing was paid for; the conversation has re-read the
 * store, so calling it again continues on the current history).
 */
public class ConversationConflictException extends LlamaException {
    private final String conversationId;
    private final long seq;
    private final long nextSeq;

    /**
     * @param conversationId the conversation
     * @param seq the seq the writer tried to write
     * @param nextSeq the seq the store expected (its head + 1)
     */
    public ConversationConflictException(String conversationId, long seq, long nextSeq) {
        super("entry seq " + seq + " does not continue conversation '" + conversationId + "' (next is " + nextSeq
                + "): another writer appended first; nothing was stored");
        this.conversationId = conversationId;
        this.seq = seq;
        this.nextSeq = nextSeq;
    }

    public String conversationId() {
        return conversationId;
    }

    /** The seq the writer tried to write. */
    public long seq() {
        return seq;
    }

    /** The seq the store expected next (its head + 1). */
    public long nextSeq() {
        return nextSeq;
    }
}
