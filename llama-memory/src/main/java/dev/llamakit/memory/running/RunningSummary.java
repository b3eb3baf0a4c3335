package dev.llamakit.memory.running;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.summarize.ChatModelSummarizer;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.summarize.SummaryRequest;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incremental summarizer shared by {@code summarization} and {@code hierarchical}: folds the oldest
 * not-yet-summarized units of a conversation into its running summary, one {@link Summarizer} call per batch, and
 * persists the result in the conversation's {@link dev.llamakit.memory.StrategyState} under {@value #STATE_KEY}.
 *
 * <p>Rules: nothing is summarized while the unsummarized part fits the verbatim limits the strategy gives; when it
 * does not, the oldest units are folded in, at least {@code batchMessages} messages and until the rest fits (ending
 * before a user turn where possible), in one call that gets the previous summary and the new messages rendered as
 * text; at most one batch per selection, whose transcript text is at most {@code batchMaxTokens} (a longer backlog,
 * e.g. after switching strategies on a long conversation, is caught up one batch per turn). What is covered is never
 * summarized again, so nothing is marked covered that the summarizer has not read: a unit larger than
 * {@code batchMaxTokens} on its own (a pasted document) is summarized in consecutive parts, one call each, each
 * folding into the summary of the parts before. A summary longer than its cap is cut at a sentence or word boundary.
 *
 * <p>{@code batchMaxTokens} follows from the summarizer model's context ({@value #SUMMARY_CONTEXT_TOKENS}, default
 * {@value #DEFAULT_SUMMARY_CONTEXT_TOKENS}): the context less the previous summary and the new one (twice the summary
 * cap) and {@value #SUMMARY_PROMPT_OVERHEAD} tokens of prompt; a larger explicit value is rejected, since such a
 * request could not be sent.
 *
 * <p>The state is written once per summary that moved on, never for a failure. When the summarizer fails, the turn
 * goes on: a warning is logged, the summary stays as it was, and the next attempt waits until another
 * {@code batchMessages} messages have arrived (remembered in memory, per conversation, for the most recent
 * {@value dev.llamakit.memory.relevance.ConversationCache#CAPACITY} conversations; a restarted process tries again at
 * once). Thread-safe when the summarizer is.
 */
public final class RunningSummary {
    /** The strategy-state key holding the {@link SummaryState} as JSON. */
    public static final String STATE_KEY = "running-summary";
    /** Option: the most tokens the summary may take. */
    public static final String SUMMARY_MAX_TOKENS = "summary-max-tokens";
    /** Option: the fewest messages one summarizer call folds in. */
    public static final String BATCH_MESSAGES = "batch-messages";
    /** Option: the most transcript tokens one summarizer call is given. */
    public static final String BATCH_MAX_TOKENS = "batch-max-tokens";
    /** Option: the model a {@link ChatModel} service summarizes with. */
    public static final String SUMMARY_MODEL = "summary-model";
    /** Option: the context window (prompt and reply) of the model that writes the summary. */
    public static final String SUMMARY_CONTEXT_TOKENS = "summary-context-tokens";
    /** The option keys read by {@link #fromOptions}. */
    public static final Set<String> OPTION_KEYS = Set.of(SUMMARY_MAX_TOKENS, BATCH_MESSAGES, BATCH_MAX_TOKENS, SUMMARY_MODEL,
            SUMMARY_CONTEXT_TOKENS);

    public static final int DEFAULT_MAX_TOKENS = 256;
    /**
     * 16 messages (8 turns): a call folds at least this many, so a conversation makes at most one summary call per 8
     * turns once it outgrows the budget (it was 6, which made a call every 3 turns).
     */
    public static final int DEFAULT_BATCH_MESSAGES = 16;
    /** The summarizer's context window assumed when none is given: 8,192 tokens, the smallest current Llama's. */
    public static final int DEFAULT_SUMMARY_CONTEXT_TOKENS = 8_192;
    /**
     * Tokens of a summary request besides the transcript text and the two summaries: the system prompt, the
     * instruction, headings and the chat template.
     */
    public static final int SUMMARY_PROMPT_OVERHEAD = 256;
    /** A summary cap below this is not worth a call: no summarizing happens at such budgets. */
    public static final int MIN_SUMMARY_TOKENS = 16;

    private static final Logger log = LoggerFactory.getLogger(RunningSummary.class);

    private final Summarizer summarizer;
    private final int maxTokens;
    private final int batchMessages;
    private final int batchMaxTokens;
    private final int contextTokens;
    /** Whether {@code batchMessages} was given, rather than the default (which a smaller verbatim limit lowers). */
    private final boolean batchGiven;
    /** Per conversation: the transcript size to wait for after a failed call. */
    private final dev.llamakit.memory.relevance.ConversationCache<long[]> retryAfter =
            new dev.llamakit.memory.relevance.ConversationCache<>();

    private RunningSummary(Builder b) {
        this.summarizer = Objects.requireNonNull(b.summarizer, "summarizer");
        this.maxTokens = b.maxTokens;
        this.batchMessages = b.batchMessages;
        this.batchGiven = b.batchGiven;
        this.contextTokens = b.contextTokens;
        int fits = b.contextTokens - 2 * b.maxTokens - SUMMARY_PROMPT_OVERHEAD;
        if (fits < 64) {
            throw new IllegalArgumentException("option '" + SUMMARY_CONTEXT_TOKENS + "' (" + b.contextTokens + ") leaves "
                    + fits + " tokens for the transcript after twice '" + SUMMARY_MAX_TOKENS + "' (" + b.maxTokens + ") and "
                    + SUMMARY_PROMPT_OVERHEAD + " prompt tokens; at least 64 are needed");
        }
        if (b.batchMaxTokens > fits) {
            throw new IllegalArgumentException("option '" + BATCH_MAX_TOKENS + "' (" + b.batchMaxTokens + ") does not fit the "
                    + "summarizer's context: '" + SUMMARY_CONTEXT_TOKENS + "' (" + b.contextTokens + ") less twice '"
                    + SUMMARY_MAX_TOKENS + "' (" + b.maxTokens + ") and " + SUMMARY_PROMPT_OVERHEAD + " prompt tokens leaves "
                    + fits + "; lower it or raise '" + SUMMARY_CONTEXT_TOKENS + "'");
        }
        this.batchMaxTokens = b.batchMaxTokens > 0 ? b.batchMaxTokens : fits;
    }

    /** A running summary written by {@code summarizer} (which must be thread-safe). */
    public static Builder builder(Summarizer summarizer) {
        return new Builder(summarizer);
    }

    /**
     * Reads {@value #SUMMARY_MAX_TOKENS}, {@value #BATCH_MESSAGES}, {@value #BATCH_MAX_TOKENS} and the summarizer: a
     * {@link Summarizer} service, else a {@link ChatModel} service with the option {@value #SUMMARY_MODEL}.
     *
     * @throws IllegalArgumentException naming the option or the missing service
     */
    public static RunningSummary fromOptions(String provider, ProviderOptions options) {
        Builder b = builder(summarizer(provider, options))
                .maxTokens(options.integer(SUMMARY_MAX_TOKENS, DEFAULT_MAX_TOKENS, MIN_SUMMARY_TOKENS))
                .summaryContextTokens(options.integer(SUMMARY_CONTEXT_TOKENS, DEFAULT_SUMMARY_CONTEXT_TOKENS, 512));
        if (options.string(BATCH_MAX_TOKENS).isPresent()) {
            b.batchMaxTokens(options.integer(BATCH_MAX_TOKENS, 0, 64));
        }
        if (options.string(BATCH_MESSAGES).isPresent()) {
            b.batchMessages(options.integer(BATCH_MESSAGES, DEFAULT_BATCH_MESSAGES, 1));
        }
        return b.build();
    }

    private static Summarizer summarizer(String provider, ProviderOptions options) {
        Optional<Summarizer> given = options.service(Summarizer.class);
        Optional<String> modelName = options.string(SUMMARY_MODEL).map(String::strip);
        if (given.isPresent()) {
            if (modelName.isPresent()) {
                throw new IllegalArgumentException("option '" + SUMMARY_MODEL + "' of '" + provider + "' is for a ChatModel "
                        + "service, but a Summarizer service was given: pass one or the other");
            }
            return given.get();
        }
        Optional<ChatModel> model = options.service(ChatModel.class);
        if (model.isEmpty()) {
            throw new IllegalArgumentException("'" + provider + "' needs a summarizer: pass a Summarizer service, or a "
                    + "ChatModel service and the option '" + SUMMARY_MODEL + "', with ProviderOptions.builder().service(...)");
        }
        if (modelName.isEmpty() || modelName.get().isEmpty()) {
            throw new IllegalArgumentException("'" + provider + "' summarizes with the ChatModel service and needs the option '"
                    + SUMMARY_MODEL + "' naming the model, e.g. Llama-3.3-8B-Instruct");
        }
        return new ChatModelSummarizer(model.get(), modelName.get());
    }

    /** The summary's token cap. */
    public int maxTokens() {
        return maxTokens;
    }

    public int batchMessages() {
        return batchMessages;
    }

    /** Whether {@code batch-messages} was given explicitly (otherwise it is the default, see {@link #fittingVerbatimMessages}). */
    public boolean batchMessagesGiven() {
        return batchGiven;
    }

    /**
     * This running summary for a verbatim part of at most {@code verbatimMessages} messages: the same one when
     * {@code batch-messages} was given or fits, else one whose batch is {@code verbatimMessages} (the default batch
     * never makes a verbatim limit invalid that was valid with the former default of 6).
     */
    public RunningSummary fittingVerbatimMessages(int verbatimMessages) {
        if (batchGiven || verbatimMessages >= batchMessages) {
            return this;
        }
        Builder b = new Builder(summarizer).maxTokens(maxTokens).summaryContextTokens(contextTokens);
        b.batchMessages = Math.max(1, verbatimMessages);
        b.batchMaxTokens = batchMaxTokens;
        return b.build();
    }

    /** The most transcript tokens one call is given: by default what the summarizer's context leaves. */
    public int batchMaxTokens() {
        return batchMaxTokens;
    }

    /** The summarizer model's context window this summary was configured for. */
    public int summaryContextTokens() {
        return contextTokens;
    }

    /**
     * The conversation's persisted state, or {@link SummaryState#EMPTY} when there is none or it does not belong to
     * this transcript (unreadable, beyond its end, or its boundary entry differs; logged as a warning).
     */
    public SummaryState load(MemoryInput input) {
        return load(input, null);
    }


    /**
     * {@link #load(MemoryInput)} with a per-conversation memo: the stored value is parsed only when it differs from the
     * one read last time, and its boundary entry is fingerprinted only when it is not the entry object checked last
     * time; the result is the one {@link #load(MemoryInput)} gives. The memo is updated (it is not thread-safe: the
     * caller holds the conversation's lock).
     *
     * @param memo the conversation's memo, or null for none
     */
    public SummaryState load(MemoryInput input, LoadMemo memo) {
        Optional<String> raw;
        try {
            raw = input.state().get(STATE_KEY);
        } catch (RuntimeException e) {
            log.warn("conversation {}: cannot read the running summary; continuing without it", input.conversationId(), e);
            return SummaryState.EMPTY;
        }
        if (raw.isEmpty()) {
            return SummaryState.EMPTY;
        }
        SummaryState parsed;
        if (memo != null && memo.parsed != null && raw.get().equals(memo.raw)) {
            parsed = memo.parsed;
        } else {
            parsed = SummaryState.fromJson(raw.get()).orElse(null);
            if (parsed == null) {
                log.warn("conversation {}: the stored running summary is unreadable; starting a new one", input.conversationId());
                return SummaryState.EMPTY;
            }
            if (memo != null) {
                memo.raw = raw.get();
                memo.parsed = parsed;
                memo.checked = null;
            }
        }
        Transcript transcript = input.transcript();
        long through = parsed.throughSeq();
        if (through < 0) {
            return parsed;
        }
        if (through < transcript.size()) {
            TranscriptEntry entry = transcript.get((int) through);
            if (memo != null && memo.checked == entry) {
                return parsed; // this very entry was checked against the anchor before
            }
            if (anchor(entry.message()).equals(parsed.anchor())) {
                if (memo != null) {
                    memo.checked = entry;
                }
                return parsed;
            }
        }
        log.warn("conversation {}: the stored running summary (through entry {}) does not match the transcript of {} "
                + "entries; starting a new one", input.conversationId(), through, transcript.size());
        return SummaryState.EMPTY;
    }

    /**
     * What {@link #load(MemoryInput, LoadMemo)} remembers for one conversation between turns: the stored value last
     * read, its parsed form, and the transcript entry (the object) found to match its anchor. Not thread-safe.
     */
    public static final class LoadMemo {
        private String raw;
        private SummaryState parsed;
        private TranscriptEntry checked;
    }

    /**
     * Folds the oldest of {@code uncovered} into the summary when needed, as the class describes, and persists the new
     * state. {@code uncovered} are the units after {@code state.throughSeq()}, in order, the last one being the current
     * turn (never summarized).
     *
     * @param verbatimTokens the most tokens the unsummarized part may keep
     * @param verbatimMessages the most messages the unsummarized part may keep
     * @param capTokens the summary's cap for this call (at most {@link #maxTokens()}); below
     *     {@link #MIN_SUMMARY_TOKENS} nothing is summarized
     * @return the state after this step (the same object when nothing was done)
     */
    public SummaryState advance(MemoryInput input, SummaryState state, List<TranscriptUnit> uncovered, int verbatimTokens,
                                int verbatimMessages, int capTokens) {
        if (uncovered.size() < 2) {
            return state;
        }
        long tokens = 0;
        long messages = 0;
        for (TranscriptUnit u : uncovered) {
            tokens += u.tokens();
            messages += u.size();
        }
        if (tokens <= verbatimTokens && messages <= verbatimMessages) {
            return state;
        }
        long evictable = messages - uncovered.get(uncovered.size() - 1).size();
        long lastSeq = input.transcript().size() - 1L;
        int cap = Math.min(capTokens, maxTokens);
        long[] waiting = retryAfter.get(input.conversationId(), () -> new long[] {-1});
        long waitFor;
        synchronized (waiting) {
            waitFor = Math.max(waiting[0], state.retryAfterSeq());
        }
        if (evictable < batchMessages || waitFor > lastSeq || cap < MIN_SUMMARY_TOKENS) {
            return state;
        }
        List<TranscriptUnit> batch = batch(uncovered, tokens, messages, verbatimTokens, verbatimMessages);
        int batchSize = batch.stream().mapToInt(TranscriptUnit::size).sum();
        TokenCounter counter = input.tokens();
        // never cut the text: a batch over the limit (one unit larger than it) is summarized in parts
        List<String> parts = TokenTruncation.split(TranscriptRenderer.render(batch), batchMaxTokens, counter);
        TranscriptUnit end = batch.get(batch.size() - 1);
        SummaryState next;
        try {
            String summary = state.hasSummary() ? state.summary() : null;
            for (String part : parts) {
                String written = summarizer.summarize(new SummaryRequest(part, null, cap, summary));
                if (written == null || written.isBlank()) {
                    throw new IllegalStateException("the summarizer returned an empty summary");
                }
                summary = TokenTruncation.truncate(written, cap, counter);
            }
            next = new SummaryState(summary, end.lastSeq(), anchor(end.entries().get(end.size() - 1).message()), -1);
            log.debug("conversation {}: summarized {} messages (entries {}-{}, {} part(s)) into {} tokens",
                    input.conversationId(), batchSize, batch.get(0).firstSeq(), end.lastSeq(), parts.size(),
                    counter.count(next.summary()));
        } catch (RuntimeException e) {
            synchronized (waiting) {
                waiting[0] = lastSeq + batchMessages;
            }
            log.warn("conversation {}: summarizing {} messages (entries {}-{}) failed; this turn goes on with the previous "
                    + "summary and fewer earlier messages, and summarizing is retried after {} more messages",
                    input.conversationId(), batchSize, batch.get(0).firstSeq(), end.lastSeq(), batchMessages, e);
            return state;
        }
        persist(input, next);
        return next;
    }

    /** The oldest units to fold in: at least a batch, until the rest fits, then on to the next user turn. */
    private List<TranscriptUnit> batch(List<TranscriptUnit> uncovered, long tokens, long messages, int verbatimTokens,
                                       int verbatimMessages) {
        List<TranscriptUnit> batch = new ArrayList<>();
        long restTokens = tokens;
        long restMessages = messages;
        int batchSize = 0;
        long inputTokens = 0;
        for (int i = 0; i < uncovered.size() - 1; i++) {
            TranscriptUnit u = uncovered.get(i);
            boolean enough = batchSize >= batchMessages && restTokens <= verbatimTokens && restMessages <= verbatimMessages;
            if (enough && u.startsTurn()) {
                break;
            }
            if (!batch.isEmpty() && inputTokens + u.tokens() > batchMaxTokens) {
                break;
            }
            batch.add(u);
            batchSize += u.size();
            inputTokens += u.tokens();
            restTokens -= u.tokens();
            restMessages -= u.size();
        }
        return batch;
    }

    private static void persist(MemoryInput input, SummaryState state) {
        try {
            input.state().put(STATE_KEY, state.toJson());
        } catch (RuntimeException e) {
            log.warn("conversation {}: cannot store the running summary; it is used for this turn only", input.conversationId(), e);
        }
    }

    /** A fingerprint of the entry a summary ends at, to detect a state that belongs to another transcript. */
    static String anchor(Message m) {
        StringBuilder sb = new StringBuilder(m.role().name()).append('|').append(m.text());
        if (m instanceof AssistantMessage a) {
            a.toolCalls().forEach(c -> sb.append('|').append(c.id()));
        } else if (m instanceof ToolMessage t) {
            sb.append('|').append(t.toolCallId());
        }
        return Integer.toHexString(sb.toString().hashCode());
    }

    @Override
    public String toString() {
        return "RunningSummary[maxTokens=" + maxTokens + ", batchMessages=" + batchMessages + ", batchMaxTokens="
                + batchMaxTokens + ", summaryContextTokens=" + contextTokens + "]";
    }

    /** Builds a {@link RunningSummary}. */
    public static final class Builder {
        private final Summarizer summarizer;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private int batchMessages = DEFAULT_BATCH_MESSAGES;
        private boolean batchGiven;
        private int batchMaxTokens;
        private int contextTokens = DEFAULT_SUMMARY_CONTEXT_TOKENS;

        private Builder(Summarizer summarizer) {
            this.summarizer = Objects.requireNonNull(summarizer, "summarizer");
        }

        /** The summary's token cap (default {@value RunningSummary#DEFAULT_MAX_TOKENS}, at least {@value RunningSummary#MIN_SUMMARY_TOKENS}). */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < MIN_SUMMARY_TOKENS) {
                throw new IllegalArgumentException("option '" + SUMMARY_MAX_TOKENS + "' must be at least " + MIN_SUMMARY_TOKENS
                        + ", got " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /** The fewest messages one call folds in (default {@value RunningSummary#DEFAULT_BATCH_MESSAGES}). */
        public Builder batchMessages(int batchMessages) {
            if (batchMessages < 1) {
                throw new IllegalArgumentException("option '" + BATCH_MESSAGES + "' must be at least 1, got " + batchMessages);
            }
            this.batchMessages = batchMessages;
            this.batchGiven = true;
            return this;
        }

        /**
         * The summarizer model's context window, prompt and reply (default
         * {@value RunningSummary#DEFAULT_SUMMARY_CONTEXT_TOKENS}); {@code batchMaxTokens} defaults to what it leaves.
         */
        public Builder summaryContextTokens(int contextTokens) {
            if (contextTokens < 512) {
                throw new IllegalArgumentException("option '" + SUMMARY_CONTEXT_TOKENS + "' must be at least 512, got "
                        + contextTokens);
            }
            this.contextTokens = contextTokens;
            return this;
        }

        /**
         * The most transcript tokens one call is given (default: the summarizer's context less twice the summary cap and
         * {@value RunningSummary#SUMMARY_PROMPT_OVERHEAD} prompt tokens; a larger value is rejected at build time).
         */
        public Builder batchMaxTokens(int batchMaxTokens) {
            if (batchMaxTokens < 64) {
                throw new IllegalArgumentException("option '" + BATCH_MAX_TOKENS + "' must be at least 64, got " + batchMaxTokens);
            }
            this.batchMaxTokens = batchMaxTokens;
            return this;
        }

        public RunningSummary build() {
            return new RunningSummary(this);
        }
    }
}
