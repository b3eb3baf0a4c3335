package dev.llamakit.testkit;

import java.util.List;

/**
 * A chat completion ready to render in either dialect.
 *
 * @param id               the completion id, {@code chatcmpl-<n>}
 * @param model            the model the request named
 * @param text             the assistant text (empty for tool calls)
 * @param toolCalls        the tool calls, possibly empty
 * @param stopReason       {@code stop}, {@code tool_calls}, {@code length} (or a scripted value)
 * @param promptTokens     prompt tokens reported
 * @param completionTokens completion tokens reported
 * @param created          creation time, Unix seconds (OpenAI dialect only)
 */
record ChatReply(String id, String model, String text, List<ToolCallSpec> toolCalls, String stopReason,
                 long promptTokens, long completionTokens, long created) {

    long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** The OpenAI {@code finish_reason} for the stop reason (the names coincide). */
    String finishReason() {
        return stopReason;
    }
}
