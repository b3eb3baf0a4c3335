package dev.llamakit.memory;

import dev.llamakit.spi.NamedProvider;
import dev.llamakit.spi.ProviderOptions;

/**
 * Makes a {@link MemoryStrategy}. Register implementations in
 * {@code META-INF/services/dev.llamakit.memory.MemoryStrategyProvider}; {@link MemoryStrategies} finds them.
 * Services a strategy may need (a {@code ChatModel} or {@code Summarizer} for summaries) come through
 * {@link ProviderOptions#service}.
 */
public interface MemoryStrategyProvider extends NamedProvider {

    /**
     * Creates a strategy. Unknown option keys have already been rejected; bad values must fail with an
     * {@link IllegalArgumentException} naming the option.
     */
    MemoryStrategy create(ProviderOptions options);
}
