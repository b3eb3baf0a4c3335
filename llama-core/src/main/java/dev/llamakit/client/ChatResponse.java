package dev.llamakit.client;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reply to a chat request, the same in both dialects: the assistant message, why it stopped, token
 * usage (from native {@code metrics} or OpenAI {@code usage}), rate limits, the request id, and the raw JSON
 * for fields this type does not map.
 */
public final class ChatResponse {
    private final String id;
    private final String model;
    private final AssistantMessage message;
    private final StopReason stopReason;
    private final Usage usage;
    private final Map<String, Double> metrics;
    private final RateLimits rateLimits;
    private final String requestId;
    private final String rawJson;

    private ChatResponse(Builder b) {
        this.id = b.id;
        this.model = b.model;
        this.message = Objects.requireNonNull(b.message, "message");
        this.stopReason = Objects.requireNonNull(b.stopReason, "stopReason");
        this.usage = b.usage;
        this.metrics = Map.copyOf(b.metrics);
        this.rateLimits = Objects.requireNonNull(b.rateLimits, "rateLimits");
        this.requestId = b.requestId;
        this.rawJson = Objects.requireNonNull(b.rawJson, "rawJson");
    }

    /** For implementations of {@link ChatModel} (and tests); clients get responses from the model. */
    public static Builder builder() {
        return new Builder();
    }

    /** The completion id, when the server sent one (the native API often does not). */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /** The model that answered, when the server says (OpenAI dialect). */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** The reply as a message, ready to append to the conversation. */
    public AssistantMessage message() {
        return message;
    }

    /** The reply's text ({@code ""} when the model only called tools). */
    public String text() {
        return message.text();
    }

    /** The tool calls the model asks for (empty when none). */
    public List<ToolCall> toolCalls() {
        return message.toolCalls();
    }

    public StopReason stopReason() {
        return stopReason;
    }

    /** Token counts, when the server reported them. */
    public Optional<Usage> usage() {
        return Optional.ofNullable(usage);
    }

    /** Every numeric metric the server reported, by name (native {@code metrics}; OpenAI {@code usage} fields). */
    public Map<String, Double> metrics() {
        return metrics;
    }

    public RateLimits rateLimits() {
        return rateLimits;
    }

    /** The server's request id header, for support tickets. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The response body as received. */
    public String rawJson() {
        return rawJson;
    }

    @Override
    public String toString() {
        String shown = text().length() > 80 ? text().substring(0, 80) + "..." : text();
        return "ChatResponse[stopReason=" + stopReason + ", text=" + shown + ", toolCalls=" + toolCalls().size()
                + ", usage=" + usage + "]";
    }

    /** Builds a {@link ChatResponse}. */
    public static final class Builder {
        private String id;
        private String model;
        private AssistantMessage message;
        private StopReason stopReason;
        private Usage usage;
        private Map<String, Double> metrics = Map.of();
        private RateLimits rateLimits = RateLimits.NONE;
        private String requestId;
        private String rawJson = "";

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The assistant message; its stop reason, when set, is also the response's default stop reason. */
        public Builder message(AssistantMessage message) {
            this.message = Objects.requireNonNull(message, "message");
            if (stopReason == null && message.stopReason() != null) {
                stopReason = message.stopReason();
            }
            return this;
        }

        public Builder stopReason(StopReason stopReason) {
            this.stopReason = Objects.requireNonNull(stopReason, "stopReason");
            return this;
        }

        public Builder usage(Usage usage) {
            this.usage = usage;
            return this;
        }

        public Builder metrics(Map<String, Double> metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public Builder rateLimits(RateLimits rateLimits) {
            this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public Builder rawJson(String rawJson) {
            this.rawJson = Objects.requireNonNull(rawJson, "rawJson");
            return this;
        }

        /**
         * Builds the response. Without an explicit stop reason it is the message's, else {@code TOOL_CALLS} when the
         * message has tool calls, else {@code STOP}.
         */
        public ChatResponse build() {
            if (stopReason == null && message != null) {
                stopReason = message.stopReason() != null ? message.stopReason()
                        : message.hasToolCalls() ? StopReason.TOOL_CALLS : StopReason.STOP;
            }
            return new ChatResponse(this);
        }
    }
}
