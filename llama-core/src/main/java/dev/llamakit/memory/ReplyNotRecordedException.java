package dev.llamakit.memory;

import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.error.LlamaException;
import java.util.Objects;

/**
 * The model replied, but the turn could not be stored (the cause says why: a {@link ConversationConflictException}
 * when another writer appended to the conversation during the call, or the store's own failure). The reply is not
 * lost: {@link #reply()} holds it, so the caller can still show it. The user message was recorded flagged
 * {@link EntryFlag#UNANSWERED} when the store allowed it ({@link #unansweredRecorded()}); the reply is not in the
 * transcript, because it answered a history that is no longer the stored one.
 */
public class ReplyNotRecordedException extends LlamaException {
    private final transient ChatResponse reply;
    private final boolean unansweredRecorded;

    public ReplyNotRecordedException(String conversationId, ChatResponse reply, boolean unansweredRecorded, RuntimeException cause) {
        super("conversation '" + conversationId + "': the model replied but the turn could not be stored ("
                + cause.getMessage() + "); the reply is attached to this exception", cause);
        this.reply = Objects.requireNonNull(reply, "reply");
        this.unansweredRecorded = unansweredRecorded;
    }

    /** The reply the model gave (and that was paid for). */
    public ChatResponse reply() {
        return reply;
    }

    /** Whether the user message is in the store, flagged {@link EntryFlag#UNANSWERED}. */
    public boolean unansweredRecorded() {
        return unansweredRecorded;
    }

    /** Whether the turn was lost to another writer (rather than to a failing store). */
    public boolean isConflict() {
        return getCause() instanceof ConversationConflictException;
    }
}
