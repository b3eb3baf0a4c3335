package dev.llamakit.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.chat.ToolCall;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one tool call: finds the tool, parses the arguments, calls the handler and renders the result. Every
 * failure (unknown tool, bad arguments, handler exception) becomes an error result for the model. Internal;
 * thread-safe.
 */
final class ToolCallRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ToolRunner.class);

    private final Map<String, Tool> tools;
    private final String available;

    /** @param tools the tools by name, in registration order (the order of the available names in errors) */
    ToolCallRunner(LinkedHashMap<String, Tool> tools) {
        this.available = String.join(", ", tools.keySet());
        this.tools = Map.copyOf(tools);
    }

    /** Runs the call. Never throws for a failure of the tool; {@link Error}s propagate. */
    ToolInvocation run(ToolCall call) {
        long start = System.nanoTime();
        Outcome outcome = outcome(call);
        return new ToolInvocation(call.id(), call.name(), call.arguments(), outcome.content(), outcome.error(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private Outcome outcome(ToolCall call) {
        Tool tool = tools.get(call.name());
        if (tool == null) {
            return Outcome.failed("unknown tool '" + call.name() + "'; available: " + available);
        }
        ObjectNode arguments;
        try {
            arguments = ToolJson.parseArguments(call.arguments());
        } catch (IllegalArgumentException e) {
            LOG.debug("tool call {} of '{}': {}", call.id(), call.name(), e.getMessage());
            return Outcome.failed(e.getMessage());
        }
        Object result;
        try {
            result = tool.handler().call(arguments);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // reported like any failure, but the interrupt is kept
            }
            LOG.debug("tool call {} of '{}' failed", call.id(), call.name(), e);
            return Outcome.failed(describe(e));
        }
        try {
            return new Outcome(ToolJson.render(result), false);
        } catch (Exception e) {
            LOG.debug("tool call {} of '{}': cannot serialize the result of type {}", call.id(), call.name(),
                    result.getClass().getName(), e);
            return Outcome.failed("the tool's result cannot be serialized as JSON: " + describe(e));
        }
    }

    private static String describe(Exception e) {
        String type = e.getClass().getSimpleName().isEmpty() ? e.getClass().getName() : e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }

    /** A tool message's content and whether it reports a failure. */
    private record Outcome(String content, boolean error) {
        static Outcome failed(String message) {
            return new Outcome(ToolJson.error(message), true);
        }
    }
}
