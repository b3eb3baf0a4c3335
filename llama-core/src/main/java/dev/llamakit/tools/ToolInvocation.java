package dev.llamakit.tools;

import java.time.Duration;
import java.util.Objects;

/**
 * One tool call run by a {@link ToolRunner}: what the model asked for and what was sent back.
 *
 * @param callId    the tool call's id, echoed as the tool message's {@code tool_call_id}
 * @param toolName  the name the model called (possibly one no tool has)
 * @param arguments the arguments as the model wrote them (JSON text, possibly invalid)
 * @param result    the tool message content sent to the model
 * @param error     whether {@code result} reports a failure ({@code {"error": ...}}) instead of a handler result
 * @param duration  how long parsing, running the handler and rendering the result took
 */
public record ToolInvocation(String callId, String toolName, String arguments, String result, boolean error,
                             Duration duration) {
    /** Rejects nulls and negative durations. */
    public ToolInvocation {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative");
        }
    }
}
