package dev.llamakit.tokens;

import dev.llamakit.spi.NamedProvider;
import dev.llamakit.spi.ProviderOptions;

/** Makes a {@link TokenCounter}; registered in {@code META-INF/services/dev.llamakit.tokens.TokenCounterProvider}. */
public interface TokenCounterProvider extends NamedProvider {
    TokenCounter create(ProviderOptions options);
}
