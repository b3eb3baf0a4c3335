package dev.llamakit.memory.summary;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.MemoryStrategyProvider;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.spi.ProviderOptions;
import java.util.HashSet;
import java.util.Set;

/**
 * The provider of {@code summarization}. Options (all optional): {@value #RECENT_TOKENS} (default: the budget left
 * after the system message and the summary's cap), {@value #RECENT_MESSAGES} (default: no limit; at least
 * {@code batch-messages} when that is given), {@value RunningSummary#BATCH_MESSAGES} (16, or {@code recent-messages}
 * when that is smaller), {@value RunningSummary#BATCH_MAX_TOKENS}
 * (what {@value RunningSummary#SUMMARY_CONTEXT_TOKENS}, 8192, leaves after twice the summary cap and the prompt: 7424),
 * {@value RunningSummary#SUMMARY_CONTEXT_TOKENS} (8192), {@value RunningSummary#SUMMARY_MAX_TOKENS} (256), {@value RunningSummary#SUMMARY_MODEL}. Services: a
 * {@link dev.llamakit.summarize.Summarizer}, or a {@link dev.llamakit.client.ChatModel} plus {@code summary-model}.
 */
public final class SummarizationProvider implements MemoryStrategyProvider {
    public static final String RECENT_TOKENS = "recent-tokens";
    public static final String RECENT_MESSAGES = "recent-messages";

    @Override
    public String name() {
        return SummarizationStrategy.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        Set<String> keys = new HashSet<>(RunningSummary.OPTION_KEYS);
        keys.add(RECENT_TOKENS);
        keys.add(RECENT_MESSAGES);
        return Set.copyOf(keys);
    }

    @Override
    public String description() {
        return "keeps recent turns verbatim and folds older ones into a running summary, a batch at a time";
    }

    @Override
    public MemoryStrategy create(ProviderOptions options) {
        RunningSummary summary = RunningSummary.fromOptions(name(), options);
        SummarizationStrategy.Builder b = SummarizationStrategy.builder(summary);
        if (options.string(RECENT_TOKENS).isPresent()) {
            b.recentTokens(options.integer(RECENT_TOKENS, 0, 1));
        }
        if (options.string(RECENT_MESSAGES).isPresent()) {
            b.recentMessages(options.integer(RECENT_MESSAGES, 0, 1));
        }
        return b.build();
    }
}
