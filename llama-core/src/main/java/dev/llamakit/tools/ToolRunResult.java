package dev.llamakit.tools;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatResponse;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link ToolRunner#run}: the final answer and how it was reached.
 *
 * @param response    the model's final reply (the first one without tool calls)
 * @param messages    the whole exchange: the request's messages, then each assistant message with its tool calls
 *                    followed by one tool message per call, and last the final assistant message
 * @param modelCalls  how many chat requests were sent
 * @param invocations every tool call run, in order
 */
public record ToolRunResult(ChatResponse response, List<Message> messages, int modelCalls,
                            List<ToolInvocation> invocations) {
    /** Copies the lists; rejects nulls and a count below one. */
    public ToolRunResult {
        Objects.requireNonNull(response, "response");
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        invocations = List.copyOf(Objects.requireNonNull(invocations, "invocations"));
        if (modelCalls < 1) {
            throw new IllegalArgumentException("modelCalls must be at least 1, got " + modelCalls);
        }
    }

    /** The final answer's text. */
    public String text() {
        return response.text();
    }
}
