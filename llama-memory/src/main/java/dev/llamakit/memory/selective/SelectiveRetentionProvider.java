package dev.llamakit.memory.selective;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.MemoryStrategyProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/**
 * The provider of {@code selective-retention}. Options (all optional): {@value #RELEVANCE_WEIGHT} (default 1.0),
 * {@value #IMPORTANCE_WEIGHT} (0.5), {@value #RECENCY_WEIGHT} (0.5), {@value #RECENCY_HALF_LIFE} (20 messages),
 * {@value #RECENT_MESSAGES} (4), {@value #MAX_TOKENS} (none: the budget). A {@link RelevanceScorer} given as a
 * service of the options replaces BM25.
 */
public final class SelectiveRetentionProvider implements MemoryStrategyProvider {
    public static final String RELEVANCE_WEIGHT = "relevance-weight";
    public static final String IMPORTANCE_WEIGHT = "importance-weight";
    public static final String RECENCY_WEIGHT = "recency-weight";
    public static final String RECENCY_HALF_LIFE = "recency-half-life";
    public static final String RECENT_MESSAGES = "recent-messages";
    public static final String MAX_TOKENS = "max-tokens";

    @Override
    public String name() {
        return SelectiveRetentionStrategy.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of(RELEVANCE_WEIGHT, IMPORTANCE_WEIGHT, RECENCY_WEIGHT, RECENCY_HALF_LIFE, RECENT_MESSAGES, MAX_TOKENS);
    }

    @Override
    public String description() {
        return "keeps the past messages most relevant to the current turn, important ones and recent ones";
    }

    @Override
    public MemoryStrategy create(ProviderOptions options) {
        SelectiveRetentionStrategy.Builder b = SelectiveRetentionStrategy.builder()
                .relevanceWeight(options.decimal(RELEVANCE_WEIGHT, SelectiveRetentionStrategy.DEFAULT_RELEVANCE_WEIGHT))
                .importanceWeight(options.decimal(IMPORTANCE_WEIGHT, SelectiveRetentionStrategy.DEFAULT_IMPORTANCE_WEIGHT))
                .recencyWeight(options.decimal(RECENCY_WEIGHT, SelectiveRetentionStrategy.DEFAULT_RECENCY_WEIGHT))
                .recencyHalfLife(options.decimal(RECENCY_HALF_LIFE, SelectiveRetentionStrategy.DEFAULT_RECENCY_HALF_LIFE))
                .recentMessages(options.integer(RECENT_MESSAGES, SelectiveRetentionStrategy.DEFAULT_RECENT_MESSAGES, 0));
        if (options.string(MAX_TOKENS).isPresent()) {
            b.maxTokens(options.integer(MAX_TOKENS, Integer.MAX_VALUE, 1));
        }
        options.service(RelevanceScorer.class).ifPresent(b::scorer);
        return b.build();
    }
}
