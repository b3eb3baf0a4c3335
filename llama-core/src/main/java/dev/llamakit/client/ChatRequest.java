package dev.llamakit.client;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A chat completion request. Immutable; build with {@link #builder()}, derive with {@link #toBuilder()}.
 * Only what is invalid everywhere is rejected (no model, no messages); value ranges are left to the server,
 * since OpenAI-compatible servers differ from the Llama API. Unset optional parameters are not sent.
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *     .model("Llama-3.3-8B-Instruct")
 *     .addMessage(Message.system("Answer briefly."))
 *     .addMessage(Message.user("Name one moon of Mars."))
 *     .maxCompletionTokens(256)
 *     .build();
 * }</pre>
 */
public final class ChatRequest {
    /** Body fields set by the builder's own methods or by the client; {@link Builder#extraBody} cannot replace them. */
    private static final Set<String> MAPPED_FIELDS = Set.of("model", "messages", "stream", "stream_options",
            "max_completion_tokens", "max_tokens", "temperature", "top_p", "top_k", "repetition_penalty", "tools",
            "tool_choice", "response_format", "user");

    private final String model;
    private final List<Message> messages;
    private final Integer maxCompletionTokens;
    private final Double temperature;
    private final Double topP;
    private final Integer topK;
    private final Double repetitionPenalty;
    private final List<ToolDefinition> tools;
    private final ToolChoice toolChoice;
    private final ResponseFormat responseFormat;
    private final String user;
    private final Map<String, Object> extraBody;

    private ChatRequest(Builder b) {
        this.model = b.model;
        this.messages = List.copyOf(b.messages);
        this.maxCompletionTokens = b.maxCompletionTokens;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.topK = b.topK;
        this.repetitionPenalty = b.repetitionPenalty;
        this.tools = List.copyOf(b.tools);
        this.toolChoice = b.toolChoice;
        this.responseFormat = b.responseFormat;
        this.user = b.user;
        this.extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraBody));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.messages.addAll(messages);
        b.maxCompletionTokens = maxCompletionTokens;
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.repetitionPenalty = repetitionPenalty;
        b.tools.addAll(tools);
        b.toolChoice = toolChoice;
        b.responseFormat = responseFormat;
        b.user = user;
        b.extraBody.putAll(extraBody);
        return b;
    }

    public String model() {
        return model;
    }

    public List<Message> messages() {
        return messages;
    }

    /** The most tokens to generate ({@code max_completion_tokens}; {@code max_tokens} in the OpenAI dialect). */
    public OptionalInt maxCompletionTokens() {
        return maxCompletionTokens == null ? OptionalInt.empty() : OptionalInt.of(maxCompletionTokens);
    }

    public OptionalDouble temperature() {
        return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
    }

    public OptionalDouble topP() {
        return topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP);
    }

    public OptionalInt topK() {
        return topK == null ? OptionalInt.empty() : OptionalInt.of(topK);
    }

    public OptionalDouble repetitionPenalty() {
        return repetitionPenalty == null ? OptionalDouble.empty() : OptionalDouble.of(repetitionPenalty);
    }

    public List<ToolDefinition> tools() {
        return tools;
    }

    public Optional<ToolChoice> toolChoice() {
        return Optional.ofNullable(toolChoice);
    }

    public Optional<ResponseFormat> responseFormat() {
        return Optional.ofNullable(responseFormat);
    }

    /** An opaque id of the end user (hash e-mails and user names before sending them). */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** Extra top-level body fields for server-specific parameters (for example vLLM's {@code min_p}). */
    public Map<String, Object> extraBody() {
        return extraBody;
    }

    @Override
    public String toString() {
        return "ChatRequest[model=" + model + ", messages=" + messages.size() + ", tools=" + tools.size() + "]";
    }

    /** Builds a {@link ChatRequest}. Not thread-safe. */
    public static final class Builder {
        private String model;
        private final List<Message> messages = new ArrayList<>();
        private Integer maxCompletionTokens;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Double repetitionPenalty;
        private final List<ToolDefinition> tools = new ArrayList<>();
        private ToolChoice toolChoice;
        private ResponseFormat responseFormat;
        private String user;
        private final Map<String, Object> extraBody = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Replaces the messages. */
        public Builder messages(List<? extends Message> messages) {
            Objects.requireNonNull(messages, "messages");
            this.messages.clear();
            messages.forEach(this::addMessage);
            return this;
        }

        public Builder addMessage(Message message) {
            this.messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        public Builder maxCompletionTokens(int maxCompletionTokens) {
            this.maxCompletionTokens = maxCompletionTokens;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder repetitionPenalty(double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        /** Replaces the tools. */
        public Builder tools(List<ToolDefinition> tools) {
            Objects.requireNonNull(tools, "tools");
            this.tools.clear();
            tools.forEach(this::addTool);
            return this;
        }

        public Builder addTool(ToolDefinition tool) {
            this.tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        public Builder toolChoice(ToolChoice toolChoice) {
            this.toolChoice = Objects.requireNonNull(toolChoice, "toolChoice");
            return this;
        }

        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = Objects.requireNonNull(responseFormat, "responseFormat");
            return this;
        }

        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        /**
         * Adds a top-level body field that this builder has no method for. It cannot replace a field
         * the builder sets ({@code model}, {@code messages}, ...).
         */
        public Builder extraBody(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (MAPPED_FIELDS.contains(key)) {
                throw new IllegalArgumentException("'" + key + "' has its own builder method (or is set by the client); "
                        + "extraBody is for fields the builder does not map");
            }
            this.extraBody.put(key, value);
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws IllegalArgumentException when the model or the messages are missing (a tool message without a
         *     {@code tool_call_id} cannot even be created)
         */
        public ChatRequest build() {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("ChatRequest needs a model: call model(\"...\"), e.g. model(\"Llama-3.3-8B-Instruct\")");
            }
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("ChatRequest needs at least one message: call addMessage(Message.user(\"...\"))");
            }
            return new ChatRequest(this);
        }
    }
}
