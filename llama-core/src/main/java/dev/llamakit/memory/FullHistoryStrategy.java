package dev.llamakit.memory;

import dev.llamakit.chat.Message;
import dev.llamakit.spi.ProviderOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sends the whole transcript (what the seed guide's first loop does): every valid message, no selection. Fails
 * with {@link ContextTooLargeException} once the history outgrows the budget. The baseline other strategies are
 * measured against. Name: {@code full-history}.
 */
public final class FullHistoryStrategy implements MemoryStrategy {
    public static final String NAME = "full-history";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public MemoryContext select(MemoryInput input) {
        List<Message> messages = new ArrayList<>();
        input.systemMessage().ifPresent(messages::add);
        List<Long> seqs = new ArrayList<>();
        for (List<TranscriptEntry> unit : input.transcript().units()) {
            for (TranscriptEntry e : unit) {
                messages.add(e.message());
                seqs.add(e.seq());
            }
        }
        int tokens = input.tokens().count(messages);
        if (tokens > input.budget().promptTokens()) {
            throw new ContextTooLargeException("the full history no longer fits; use a memory strategy such as "
                    + "sliding-window or summarization", tokens, input.budget().promptTokens());
        }
        return new MemoryContext(messages, seqs, 0, tokens);
    }

    /** The provider of {@code full-history}; it takes no options. */
    public static final class Provider implements MemoryStrategyProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public String description() {
            return "sends the whole history; fails when it outgrows the budget";
        }

        @Override
        public MemoryStrategy create(ProviderOptions options) {
            return new FullHistoryStrategy();
        }
    }
}
