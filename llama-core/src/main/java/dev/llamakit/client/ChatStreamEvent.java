package dev.llamakit.client;

import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.Usage;
import java.util.Map;
import java.util.Objects;

/**
 * One typed event of a streamed reply, the same in both dialects:
 * {@link Start} → {@link TextDelta} / {@link ToolCallDelta} ... → {@link Complete} → {@link Metrics} (when reported).
 *
 * <pre>{@code
 * try (ChatStream stream = client.stream(request)) {
 *     for (ChatStreamEvent event : stream) {
 *         if (event instanceof ChatStreamEvent.TextDelta d) System.out.print(d.text());
 *     }
 * }
 * }</pre>
 */
public sealed interface ChatStreamEvent {

    /** The reply has started. {@code id} and {@code model} are {@code null} when the server did not say. */
    record Start(String id, String model) implements ChatStreamEvent {
    }

    /** A fragment of the reply's text. */
    record TextDelta(String text) implements ChatStreamEvent {
        public TextDelta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A fragment of a tool call. The first fragment of call {@code index} carries its {@code id} and
     * {@code name}; later ones usually only more {@code arguments} text (both are {@code null} then).
     */
    record ToolCallDelta(int index, String id, String name, String arguments) implements ChatStreamEvent {
        public ToolCallDelta {
            Objects.requireNonNull(arguments, "arguments");
        }
    }

    /** Generation ended, for this reason. */
    record Complete(StopReason stopReason) implements ChatStreamEvent {
        public Complete {
            Objects.requireNonNull(stopReason, "stopReason");
        }
    }

    /** Token usage and every numeric metric the server reported. {@code usage} is {@code null} when absent. */
    record Metrics(Usage usage, Map<String, Double> metrics) implements ChatStreamEvent {
        public Metrics {
            metrics = Map.copyOf(metrics);
        }
    }
}
