package dev.llamakit.memory.window;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the system message plus the most recent messages: at most {@code maxMessages} transcript messages (the
 * user turn being answered included, the system message not), at most {@code maxTokens} tokens for the whole
 * request, and never more than the input's budget. With neither limit given it keeps the last 10 messages, which
 * is exactly what the seed guide's {@code managed_conversation_loop(max_history=10)} sends for text turns. Name:
 * {@code sliding-window}.
 *
 * <p>The window is a contiguous suffix of {@link dev.llamakit.memory.Transcript#units()}: a tool call and its
 * results are kept or dropped together, and a unit the message limit would cut is dropped whole (so the window may
 * hold fewer than {@code maxMessages} messages). Unanswered turns are skipped and do not count. Like the seed, the
 * window may start on an assistant message; {@code startOnUser} drops leading non-user messages instead. The
 * system message and the current turn are always sent: when they alone exceed the budget, {@link #select} throws
 * {@link ContextTooLargeException}; when they only exceed {@code maxTokens}, they are sent alone.
 *
 * <p>Cost per turn: one pass over the transcript to group it into units (O(n)), then token counting only for the
 * messages in the window (O(window)). Immutable and thread-safe.
 */
public final class SlidingWindowStrategy implements MemoryStrategy {
    /** The provider name. */
    public static final String NAME = "sliding-window";
    /** The message limit when no limit is given: the seed guide's {@code max_history}. */
    public static final int DEFAULT_MAX_MESSAGES = 10;

    private static final Logger LOG = LoggerFactory.getLogger(SlidingWindowStrategy.class);

    private final int maxMessages;
    private final int maxTokens;
    private final boolean startOnUser;

    private SlidingWindowStrategy(Builder b) {
        boolean noLimit = b.maxMessages.isEmpty() && b.maxTokens.isEmpty();
        this.maxMessages = noLimit ? DEFAULT_MAX_MESSAGES : b.maxMessages.orElse(Integer.MAX_VALUE);
        this.maxTokens = b.maxTokens.orElse(Integer.MAX_VALUE);
        this.startOnUser = b.startOnUser;
    }

    /** The seed's window: the system message plus the last {@code n} messages. */
    public static SlidingWindowStrategy lastMessages(int n) {
        return builder().maxMessages(n).build();
    }

    /** A window of the most recent messages that fit in {@code tokens} tokens (system message included). */
    public static SlidingWindowStrategy lastTokens(int tokens) {
        return builder().maxTokens(tokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The message limit ({@link Integer#MAX_VALUE} when only a token limit was given). */
    public int maxMessages() {
        return maxMessages;
    }

    /** The token limit, if one was given. */
    public OptionalInt maxTokens() {
        return maxTokens == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(maxTokens);
    }

    /** Whether leading assistant messages are dropped so that the window starts on a user message. */
    public boolean startOnUser() {
        return startOnUser;
    }

    @Override
    public MemoryContext select(MemoryInput input) {
        TokenCounter counter = input.tokens();
        int budget = input.budget().promptTokens();
        int limit = Math.min(budget, maxTokens);
        List<List<TranscriptEntry>> units = input.transcript().units();
        int last = units.size() - 1;

        int requiredTokens = input.requireMinimalContextFits("sliding-window");

        // Walk back from the current turn while both limits allow; the window is contiguous, so stop at the first
        // unit that does not fit.
        int start = Math.max(last, 0);
        int messages = last >= 0 ? units.get(last).size() : 0;
        int tokens = requiredTokens;
        for (int i = last - 1; i >= 0; i--) {
            List<TranscriptEntry> unit = units.get(i);
            if ((long) messages + unit.size() > maxMessages) {
                break;
            }
            int unitTokens = tokensOf(unit, counter);
            if ((long) tokens + unitTokens > limit) {
                break;
            }
            messages += unit.size();
            tokens += unitTokens;
            start = i;
        }
        start = skipLeadingNonUser(units, start, last);

        // The counter may not be additive (calibration rounding, per-request overhead): check the real total and
        // drop the oldest units until it fits.
        List<Message> chosen = assemble(input, units, start, last);
        int counted = counter.count(chosen);
        while (counted > limit && start < last) {
            int over = counted - limit;
            do {
                over -= tokensOf(units.get(start), counter);
                start++;
            } while (over > 0 && start < last);
            start = skipLeadingNonUser(units, start, last);
            chosen = assemble(input, units, start, last);
            counted = counter.count(chosen);
        }

        List<Long> seqs = new ArrayList<>();
        for (int i = start; i <= last; i++) {
            units.get(i).forEach(e -> seqs.add(e.seq()));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: conversation {} keeps {} of {} transcript entries ({} tokens, budget {})", NAME,
                    input.conversationId(), seqs.size(), input.transcript().size(), counted, limit);
        }
        return new MemoryContext(chosen, seqs, 0, counted);
    }

    private int skipLeadingNonUser(List<List<TranscriptEntry>> units, int start, int last) {
        if (!startOnUser) {
            return start;
        }
        while (start < last && !(units.get(start).get(0).message() instanceof UserMessage)) {
            start++;
        }
        return start;
    }

    private static List<Message> assemble(MemoryInput input, List<List<TranscriptEntry>> units, int start, int last) {
        List<Message> messages = new ArrayList<>();
        input.systemMessage().ifPresent(messages::add);
        for (int i = Math.max(start, 0); i <= last; i++) {
            units.get(i).forEach(e -> messages.add(e.message()));
        }
        return messages;
    }

    private static int tokensOf(List<TranscriptEntry> unit, TokenCounter counter) {
        int total = 0;
        for (TranscriptEntry e : unit) {
            total += counter.count(e.message());
        }
        return total;
    }

    @Override
    public String toString() {
        return NAME + "[maxMessages=" + (maxMessages == Integer.MAX_VALUE ? "none" : maxMessages)
                + ", maxTokens=" + (maxTokens == Integer.MAX_VALUE ? "none" : maxTokens)
                + ", startOnUser=" + startOnUser + "]";
    }

    /** Builds a {@link SlidingWindowStrategy}; with no limit set, the window is the last 10 messages. */
    public static final class Builder {
        private OptionalInt maxMessages = OptionalInt.empty();
        private OptionalInt maxTokens = OptionalInt.empty();
        private boolean startOnUser;

        private Builder() {
        }

        /** Keep at most this many transcript messages (the current turn included, the system message not). */
        public Builder maxMessages(int maxMessages) {
            if (maxMessages < 1) {
                throw new IllegalArgumentException("maxMessages must be at least 1, got " + maxMessages);
            }
            this.maxMessages = OptionalInt.of(maxMessages);
            return this;
        }

        /** Keep the request within this many tokens (system message included); the budget still applies. */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
            }
            this.maxTokens = OptionalInt.of(maxTokens);
            return this;
        }

        /** Drop leading assistant messages so that the window starts on a user message (default false). */
        public Builder startOnUser(boolean startOnUser) {
            this.startOnUser = startOnUser;
            return this;
        }

        public SlidingWindowStrategy build() {
            return new SlidingWindowStrategy(this);
        }
    }
}
