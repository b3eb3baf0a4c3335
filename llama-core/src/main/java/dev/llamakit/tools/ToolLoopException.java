package dev.llamakit.tools;

import dev.llamakit.chat.Message;
import dev.llamakit.client.error.LlamaException;
import java.util.List;
import java.util.Objects;

/**
 * The tool loop ended without a final answer: the model still asked for tools after the maximum number of
 * model calls, or the thread was interrupted while tools ran. Carries the exchange so far, so that it can be
 * inspected or continued.
 */
public class ToolLoopException extends LlamaException {
    private final transient List<Message> messages;
    private final int modelCalls;
    private final transient List<ToolInvocation> invocations;

    /**
     * @param message     what happened
     * @param messages    the exchange so far (request messages, then assistant and tool messages)
     * @param modelCalls  how many chat requests were sent
     * @param invocations the tool calls run so far
     */
    public ToolLoopException(String message, List<Message> messages, int modelCalls, List<ToolInvocation> invocations) {
        super(Objects.requireNonNull(message, "message"));
        this.messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        this.modelCalls = modelCalls;
        this.invocations = List.copyOf(Objects.requireNonNull(invocations, "invocations"));
    }

    /** The exchange so far; it ends with the last assistant message (whose tool calls were not run). */
    public List<Message> messages() {
        return messages;
    }

    /** How many chat requests were sent. */
    public int modelCalls() {
        return modelCalls;
    }

    /** The tool calls run so far, in order. */
    public List<ToolInvocation> invocations() {
        return invocations;
    }
}
