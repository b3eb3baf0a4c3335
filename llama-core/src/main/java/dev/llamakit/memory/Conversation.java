package dev.llamakit.memory;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A multi-turn conversation: keeps the whole transcript (in a {@link ConversationStore}), asks a
 * {@link MemoryStrategy} what to send each turn, calls the {@link ChatModel}, and records the reply.
 *
 * <pre>{@code
 * Conversation chat = Conversation.builder(client)
 *     .model("Llama-3.3-8B-Instruct")
 *     .systemPrompt("You are a helpful assistant.")
 *     .memory(MemoryStrategies.create("sliding-window", Map.of("max-messages", "10")))
 *     .build();
 * String answer = chat.send("What is the capital of France?").text();
 * }</pre>
 *
 * <p>One turn runs at a time (concurrent callers wait their turn). A turn is recorded whole: the user message and
 * the reply are appended together after the reply arrived. When the call fails, the user message is still
 * recorded, flagged {@link EntryFlag#UNANSWERED}, and left out of later contexts; nothing half-written is ever
 * stored. Build a conversation with an existing id and a durable store to resume it.
 */
public final class Conversation {
    private final String id;
    private final ChatModel model;
    private final String modelName;
    private final SystemMessage system;
    private final MemoryStrategy memory;
    private final ConversationStore store;
    private final TokenCounter tokens;
    private final ContextBudget budget;
    private final UnaryOperator<ChatRequest.Builder> requestCustomizer;
    private final Clock clock;
    private final ReentrantLock turn = new ReentrantLock(true);
    private volatile Transcript transcript;
    private volatile MemoryContext lastContext;

    private Conversation(Builder b) {
        this.id = b.id != null ? b.id : UUID.randomUUID().toString();
        this.model = b.model;
        this.modelName = Objects.requireNonNull(b.modelName, "model name: call model(\"...\")");
        this.system = b.systemPrompt == null ? null : new SystemMessage(b.systemPrompt);
        this.memory = b.memory != null ? b.memory : new FullHistoryStrategy();
        this.store = b.store != null ? b.store : new InMemoryConversationStore();
        this.tokens = b.tokens != null ? b.tokens : new EstimatingTokenCounter();
        this.budget = b.budget;
        this.requestCustomizer = b.requestCustomizer;
        this.clock = b.clock;
        this.transcript = store.load(id);
    }

    public static Builder builder(ChatModel model) {
        return new Builder(model);
    }

    /** Sends a user message and returns the reply. */
    public ChatResponse send(String text) {
        return send(UserMessage.of(text));
    }

    /** Sends a user message (text, or text with images), flagged as given (e.g. {@link EntryFlag#PINNED}). */
    public ChatResponse send(UserMessage message, EntryFlag... flags) {
        return turn(message, flags, request -> model.chat(request));
    }

    /** Sends a user message, passing the reply's text fragments to {@code onToken} as they arrive. */
    public ChatResponse stream(String text, Consumer<String> onToken) {
        Objects.requireNonNull(onToken, "onToken");
        return turn(UserMessage.of(text), new EntryFlag[0], request -> {
            try (ChatStream stream = model.stream(request)) {
                return stream.onText(onToken);
            }
        });
    }

    /**
     * Appends messages produced elsewhere (imported history, a tool loop's calls and results) without calling the
     * model.
     */
    public void record(List<? extends Message> messages) {
        Objects.requireNonNull(messages, "messages");
        turn.lock();
        try {
            List<TranscriptEntry> entries = new ArrayList<>();
            long seq = transcript.size();
            for (Message m : messages) {
                entries.add(TranscriptEntry.of(seq++, Objects.requireNonNull(m, "message"), clock.instant()));
            }
            commit(entries);
        } finally {
            turn.unlock();
        }
    }

    private ChatResponse turn(UserMessage message, EntryFlag[] flags, java.util.function.Function<ChatRequest, ChatResponse> call) {
        Objects.requireNonNull(message, "message");
        turn.lock();
        try {
            EnumSet<EntryFlag> flagSet = EnumSet.noneOf(EntryFlag.class);
            for (EntryFlag f : flags) {
                flagSet.add(Objects.requireNonNull(f, "flag"));
            }
            flagSet.remove(EntryFlag.UNANSWERED);
            long seq = transcript.size();
            TranscriptEntry user = new TranscriptEntry(seq, message, clock.instant(), flagSet, null);
            ChatResponse response;
            MemoryContext context;
            try {
                context = memory.select(new MemoryInput(id, system, transcript.append(List.of(user)), budget, tokens,
                        store.stateOf(id)));
                lastContext = context;
                ChatRequest.Builder request = ChatRequest.builder().model(modelName).messages(context.messages());
                response = call.apply(requestCustomizer.apply(request).build());
            } catch (RuntimeException e) {
                try {
                    commit(List.of(user.withFlag(EntryFlag.UNANSWERED)));
                } catch (RuntimeException storeFailure) {
                    e.addSuppressed(storeFailure);
                }
                throw e;
            }
            TranscriptEntry reply = new TranscriptEntry(seq + 1, response.message(), clock.instant(), java.util.Set.of(),
                    response.usage().orElse(null));
            commit(List.of(user, reply));
            response.usage().ifPresent(u -> tokens.calibrate(context.messages(), u.promptTokens()));
            return response;
        } finally {
            turn.unlock();
        }
    }

    /** Appends to the store, then to the cached transcript; after a failed write, re-reads what the store holds. */
    private void commit(List<TranscriptEntry> entries) {
        try {
            store.append(id, entries);
        } catch (RuntimeException e) {
            try {
                transcript = store.load(id);
            } catch (RuntimeException reloadFailure) {
                e.addSuppressed(reloadFailure);
            }
            throw e;
        }
        transcript = transcript.append(entries);
    }

    public String id() {
        return id;
    }

    /** The whole history so far (a snapshot). */
    public Transcript transcript() {
        return transcript;
    }

    /** What the memory strategy chose for the latest turn, if there was one. */
    public Optional<MemoryContext> lastContext() {
        return Optional.ofNullable(lastContext);
    }

    public MemoryStrategy memory() {
        return memory;
    }

    @Override
    public String toString() {
        return "Conversation[id=" + id + ", model=" + modelName + ", memory=" + memory.name() + ", entries=" + transcript.size() + "]";
    }

    /** Builds a {@link Conversation}. */
    public static final class Builder {
        private final ChatModel model;
        private String id;
        private String modelName;
        private String systemPrompt;
        private MemoryStrategy memory;
        private ConversationStore store;
        private TokenCounter tokens;
        private ContextBudget budget = ContextBudget.LLAMA_API;
        private UnaryOperator<ChatRequest.Builder> requestCustomizer = UnaryOperator.identity();
        private Clock clock = Clock.systemUTC();

        private Builder(ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The conversation id (default: a random UUID); an id the store knows resumes that conversation. */
        public Builder id(String id) {
            Objects.requireNonNull(id, "id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("conversation id must not be blank");
            }
            this.id = id;
            return this;
        }

        /** The model to ask, e.g. {@code Llama-3.3-8B-Instruct}. Required. */
        public Builder model(String modelName) {
            this.modelName = Objects.requireNonNull(modelName, "modelName");
            return this;
        }

        public Builder systemPrompt(String systemPrompt) {
            this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
            return this;
        }

        /** The memory strategy (default: {@code full-history}). */
        public Builder memory(MemoryStrategy memory) {
            this.memory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        /** Where the transcript is kept (default: in memory). */
        public Builder store(ConversationStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The token counter (default: a new {@link EstimatingTokenCounter}). */
        public Builder tokenCounter(TokenCounter tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        /** The token budget (default: {@link ContextBudget#LLAMA_API}). */
        public Builder budget(ContextBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** Adjusts every request (temperature, max tokens, tools...); the messages are set by the conversation. */
        public Builder configureRequest(UnaryOperator<ChatRequest.Builder> customizer) {
            this.requestCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** The clock for entry timestamps; for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Conversation build() {
            if (modelName == null) {
                throw new IllegalArgumentException("Conversation needs a model: call model(\"...\")");
            }
            return new Conversation(this);
        }
    }
}
