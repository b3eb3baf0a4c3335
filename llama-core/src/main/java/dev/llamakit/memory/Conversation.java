package dev.llamakit.memory;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>One turn runs at a time per conversation id: concurrent callers on one object wait their turn, and two objects
 * (or processes) on the same id are kept apart by the store's numbering (optimistic concurrency). Before calling
 * the model, a turn checks the store's {@linkplain ConversationStore#head head}: when another writer has appended
 * since this object last read the store, it re-reads it and throws {@link ConversationConflictException} (nothing
 * was paid for; calling again continues on the current history). When another writer appends during the call, the
 * reply cannot be stored and the turn throws {@link ReplyNotRecordedException}, which carries the reply.
 *
 * <p>A turn is recorded whole: the user message and the reply are appended together after the reply arrived. When
 * the call (or the commit) fails, the user message is still recorded, flagged {@link EntryFlag#UNANSWERED}, and left
 * out of later contexts; nothing half-written is ever stored. Build a conversation with an existing id and a durable
 * store to resume it; it then also resumes the token counter's calibration.
 *
 * <p>Tokens: tool definitions set with {@link Builder#configureRequest} are counted and taken off the budget before
 * the strategy chooses; the server's reported prompt tokens calibrate the counter. When the server rejects a prompt
 * as too long for the model's context (vLLM, llama.cpp and OpenAI say the limit and the tokens they counted), the
 * counter is recalibrated with those numbers, the limit is remembered for later turns, and the turn is tried once
 * more with a selection made for the smaller budget.
 */
public final class Conversation {
    /** The state key under which the token counter's calibration is kept beside the transcript. */
    public static final String CALIBRATION_STATE_KEY = "llamakit.token-calibration";
    private static final Logger LOG = LoggerFactory.getLogger(Conversation.class);
    private static final UserMessage PROBE = UserMessage.of("?");

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
    /** The prompt tokens the server accepts, learned from a context-length rejection; 0 while unknown. */
    private volatile long serverPromptLimit;
    private double storedCalibration = Double.NaN;

    private Conversation(Builder b) {
        this.id = b.id != null ? b.id : UUID.randomUUID().toString();
        this.model = b.model;
        this.modelName = Objects.requireNonNull(b.modelName, "model name: call model(\"...\")");
        this.system = b.systemPrompt == null ? null : new SystemMessage(b.systemPrompt);
        this.memory = b.memory != null ? b.memory
                : MemoryStrategies.createDefault(ProviderOptions.builder().service(ChatModel.class, b.model).build());
        this.store = b.store != null ? b.store : new InMemoryConversationStore();
        this.tokens = b.tokens != null ? b.tokens : new EstimatingTokenCounter();
        this.budget = b.budget;
        this.requestCustomizer = b.requestCustomizer;
        this.clock = b.clock;
        this.transcript = store.load(id);
        restoreCalibration();
    }

    public static Builder builder(ChatModel model) {
        return new Builder(model);
    }

    /** Sends a user message and returns the reply. */
    public ChatResponse send(String text) {
        return send(UserMessage.of(text));
    }

    /**
     * Sends a user message (text, or text with images), flagged as given (e.g. {@link EntryFlag#PINNED}).
     *
     * @throws ConversationConflictException when the store has moved on since this object last read it (checked
     *     before the model is called)
     * @throws ReplyNotRecordedException when the model replied but the turn could not be stored; it carries the reply
     * @throws ContextTooLargeException when not even the system message and this turn fit the budget
     */
    public ChatResponse send(UserMessage message, EntryFlag... flags) {
        return turn(message, flags, (request, delivered) -> model.chat(request));
    }

    /** Sends a user message, passing the reply's text fragments to {@code onToken} as they arrive. */
    public ChatResponse stream(String text, Consumer<String> onToken) {
        Objects.requireNonNull(onToken, "onToken");
        return turn(UserMessage.of(text), new EntryFlag[0], (request, delivered) -> {
            try (ChatStream stream = model.stream(request)) {
                return stream.onText(fragment -> {
                    delivered.set(true);
                    onToken.accept(fragment);
                });
            }
        });
    }

    /**
     * Appends messages produced elsewhere (imported history, a tool loop's calls and results) without calling the
     * model. A {@link SystemMessage} is kept in the transcript where it was recorded and sent as part of the one
     * system message at the head of every later request (after the system prompt), never in the middle.
     *
     * @throws ConversationConflictException when another writer appended to the conversation since this object
     *     last read it (nothing is stored; the object has re-read the store)
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

    /** A model call; {@code delivered} is set once anything reached the caller (a streamed fragment). */
    private interface Call {
        ChatResponse apply(ChatRequest request, AtomicBoolean delivered);
    }

    private record Attempt(ChatResponse response, MemoryContext context, List<Message> counted) {
    }

    private ChatResponse turn(UserMessage message, EntryFlag[] flags, Call call) {
        Objects.requireNonNull(message, "message");
        turn.lock();
        try {
            EnumSet<EntryFlag> flagSet = EnumSet.noneOf(EntryFlag.class);
            for (EntryFlag f : flags) {
                flagSet.add(Objects.requireNonNull(f, "flag"));
            }
            flagSet.remove(EntryFlag.UNANSWERED);
            long seq = transcript.size();
            long head = store.head(id);
            if (head != seq - 1) {
                // another object, thread or process appended since we read the store: do not pay for a call on a
                // stale history
                ConversationConflictException conflict = new ConversationConflictException(id, seq, head + 1);
                reload(conflict);
                recordUnanswered(message, flagSet, conflict);
                throw conflict;
            }
            TranscriptEntry user = new TranscriptEntry(seq, message, clock.instant(), flagSet, null);
            Attempt attempt;
            try {
                attempt = call(user, call);
            } catch (RuntimeException e) {
                recordUnanswered(message, flagSet, e);
                throw e;
            }
            ChatResponse response = attempt.response();
            TranscriptEntry reply = new TranscriptEntry(seq + 1, response.message(), clock.instant(), java.util.Set.of(),
                    response.usage().orElse(null));
            try {
                commit(List.of(user, reply));
            } catch (RuntimeException storeFailure) {
                boolean recorded = recordUnanswered(message, flagSet, storeFailure);
                throw new ReplyNotRecordedException(id, response, recorded, storeFailure);
            }
            response.usage().ifPresent(u -> {
                tokens.calibrate(attempt.counted(), u.promptTokens());
                persistCalibration(seq + 1);
            });
            return response;
        } finally {
            turn.unlock();
        }
    }

    /** Selects and calls; on a context-length rejection, recalibrates and tries once more with a smaller selection. */
    private Attempt call(TranscriptEntry user, Call call) {
        Transcript withTurn = transcript.append(List.of(user));
        ChatRequest probe = requestCustomizer.apply(ChatRequest.builder().model(modelName).addMessage(PROBE)).build();
        List<Message> toolDefinitions = toolDefinitions(probe);
        int toolTokens = toolDefinitions.isEmpty() ? 0 : tokens.count(toolDefinitions);
        long cap = Long.MAX_VALUE;
        for (int attempt = 0; ; attempt++) {
            MemoryContext context = memory.select(new MemoryInput(id, system, withTurn, budgetFor(toolTokens, cap), tokens,
                    store.stateOf(id)));
            lastContext = context;
            List<Message> counted = new ArrayList<>(context.messages());
            counted.addAll(toolDefinitions);
            AtomicBoolean delivered = new AtomicBoolean();
            try {
                return new Attempt(call.apply(probe.toBuilder().messages(context.messages()).build(), delivered), context, counted);
            } catch (LlamaException e) {
                Optional<ContextOverflow> overflow = attempt == 0 && !delivered.get() ? ContextOverflow.of(e) : Optional.empty();
                if (overflow.isEmpty()) {
                    throw e;
                }
                cap = learn(overflow.get(), counted, toolDefinitions, probe, e);
            }
        }
    }

    /**
     * Learns from a context-length rejection: recalibrates the counter with the server's count and remembers its
     * limit; returns the most tokens (as this counter counts) the messages of the retry may take.
     */
    private long learn(ContextOverflow overflow, List<Message> counted, List<Message> toolDefinitions, ChatRequest probe,
                       LlamaException rejection) {
        int before = tokens.count(counted);
        tokens.calibrate(counted, overflow.promptTokens());
        long reserve = overflow.completionTokens().isPresent() ? overflow.completionTokens().getAsLong()
                : probe.maxCompletionTokens().isPresent() ? probe.maxCompletionTokens().getAsInt()
                : Math.min(budget.replyReserve(), overflow.limit() / 4);
        long promptLimit = overflow.limit() - reserve;
        if (promptLimit <= 0) {
            throw rejection; // the completion alone does not fit: a smaller selection cannot help
        }
        serverPromptLimit = promptLimit;
        int after = Math.max(1, tokens.count(counted));
        double residual = Math.max(1.0, (double) overflow.promptTokens() / after); // real tokens per counted one
        long cap = (long) Math.floor(promptLimit * 0.97 / residual) - (toolDefinitions.isEmpty() ? 0 : tokens.count(toolDefinitions));
        LOG.info("conversation {}: the server rejected a prompt of {} tokens (estimated {}) for a context of {}; "
                + "recalibrated, retrying with at most {} tokens of messages", id,
                overflow.promptTokens(), before, overflow.limit(), cap);
        if (cap < 1) {
            throw rejection;
        }
        persistCalibration(-1);
        return cap;
    }

    /** The budget the strategy gets: the configured one, within what the server accepts, minus the tool definitions. */
    private ContextBudget budgetFor(int toolTokens, long cap) {
        long prompt = budget.promptTokens();
        long learned = serverPromptLimit;
        if (learned > 0) {
            prompt = Math.min(prompt, learned);
        }
        prompt = Math.min(prompt - toolTokens, cap);
        if (prompt < 1) {
            throw new ContextTooLargeException("the tool definitions alone fill the budget", toolTokens,
                    (int) Math.min(Integer.MAX_VALUE, Math.max(prompt + toolTokens, 0)));
        }
        return prompt == budget.promptTokens() ? budget : new ContextBudget((int) prompt + budget.replyReserve(), budget.replyReserve());
    }

    /** The request's tool definitions, as messages that count like them (name, description, JSON schema). */
    private static List<Message> toolDefinitions(ChatRequest request) {
        List<Message> defs = new ArrayList<>(request.tools().size());
        for (ToolDefinition tool : request.tools()) {
            defs.add(new SystemMessage(tool.name() + " " + tool.description().orElse("") + " " + tool.parametersSchema().orElse("")));
        }
        return defs;
    }

    /** Re-reads the transcript after a failed write or a conflict. */
    private void reload(RuntimeException failure) {
        try {
            transcript = store.load(id);
        } catch (RuntimeException reloadFailure) {
            failure.addSuppressed(reloadFailure);
        }
    }

    /** Records the user message flagged UNANSWERED at the current end of the transcript; false when the store refused. */
    private boolean recordUnanswered(UserMessage message, Set<EntryFlag> flags, RuntimeException failure) {
        EnumSet<EntryFlag> unanswered = flags.isEmpty() ? EnumSet.noneOf(EntryFlag.class) : EnumSet.copyOf(flags);
        unanswered.add(EntryFlag.UNANSWERED);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                commit(List.of(new TranscriptEntry(transcript.size(), message, clock.instant(), unanswered, null)));
                return true;
            } catch (ConversationConflictException raced) {
                if (attempt == 1) {
                    failure.addSuppressed(raced);
                }
            } catch (RuntimeException storeFailure) {
                failure.addSuppressed(storeFailure);
                return false;
            }
        }
        return false;
    }

    /** Appends to the store, then to the cached transcript; after a failed write, re-reads what the store holds. */
    private void commit(List<TranscriptEntry> entries) {
        try {
            store.append(id, entries);
        } catch (RuntimeException e) {
            reload(e);
            throw e;
        }
        transcript = transcript.append(entries);
    }

    /** Starts an uncalibrated counter from the calibration stored with the transcript, if it matches it. */
    private void restoreCalibration() {
        try {
            Optional<String> stored = store.getState(id, CALIBRATION_STATE_KEY);
            if (stored.isEmpty()) {
                return;
            }
            String[] parts = stored.get().strip().split(" ");
            double ratio = Double.parseDouble(parts[0]);
            long replySeq = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
            // measured against a reply's reported usage: only trust it when that reply is in this transcript
            boolean matches = replySeq < 0 || (replySeq < transcript.size() && transcript.get((int) replySeq).usage() != null);
            if (matches) {
                storedCalibration = ratio;
                if (tokens.calibration() == 1.0) {
                    tokens.restoreCalibration(ratio);
                }
            }
        } catch (RuntimeException unreadable) {
            LOG.debug("conversation {}: ignoring an unreadable token calibration", id);
        }
    }

    /** Stores the counter's calibration beside the transcript when it moved noticeably (a state write is a record). */
    private void persistCalibration(long replySeq) {
        double ratio = tokens.calibration();
        if (ratio == 1.0 || (!Double.isNaN(storedCalibration) && Math.abs(ratio - storedCalibration) < 0.01)) {
            return;
        }
        try {
            store.putState(id, CALIBRATION_STATE_KEY, String.format(java.util.Locale.ROOT, "%.4f %d", ratio, replySeq));
            storedCalibration = ratio;
        } catch (RuntimeException e) {
            LOG.debug("conversation {}: cannot store the token calibration: {}", id, e.toString());
        }
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

        /**
         * The memory strategy (default: {@link MemoryStrategies#createDefault}: the one named by the
         * {@code llamakit.memory} system property or {@code LLAMAKIT_MEMORY}, else {@code sliding-window} when
         * llama-memory is on the classpath, else {@code full-history}).
         */
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
