package dev.llamakit.memory.window;

import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.MemoryStrategyProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/**
 * The provider of {@code sliding-window}. Options: {@value #MAX_MESSAGES} (integer &ge; 1; default 10 when no
 * limit is given), {@value #MAX_TOKENS} (integer &ge; 1; no default), {@value #START_ON_USER} ({@code true} or
 * {@code false}; default {@code false}). When both limits are given, both apply.
 */
public final class SlidingWindowProvider implements MemoryStrategyProvider {
    public static final String MAX_MESSAGES = "max-messages";
    public static final String MAX_TOKENS = "max-tokens";
    public static final String START_ON_USER = "start-on-user";

    @Override
    public String name() {
        return SlidingWindowStrategy.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of(MAX_MESSAGES, MAX_TOKENS, START_ON_USER);
    }

    @Override
    public String description() {
        return "the system message plus the most recent messages (last 10 by default, or by tokens)";
    }

    @Override
    public MemoryStrategy create(ProviderOptions options) {
        SlidingWindowStrategy.Builder builder = SlidingWindowStrategy.builder();
        if (options.string(MAX_MESSAGES).isPresent()) {
            builder.maxMessages(options.integer(MAX_MESSAGES, SlidingWindowStrategy.DEFAULT_MAX_MESSAGES, 1));
        }
        if (options.string(MAX_TOKENS).isPresent()) {
            builder.maxTokens(options.integer(MAX_TOKENS, Integer.MAX_VALUE, 1));
        }
        return builder.startOnUser(options.bool(START_ON_USER, false)).build();
    }
}
