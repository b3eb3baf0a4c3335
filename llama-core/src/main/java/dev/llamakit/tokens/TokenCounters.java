package dev.llamakit.tokens;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/** The token counters on the classpath, by name. The built-in {@code estimate} is always there. */
public final class TokenCounters {
    private static final ProviderRegistry<TokenCounterProvider, TokenCounter> REGISTRY =
            ProviderRegistry.of(TokenCounterProvider.class, "token counter", TokenCounterProvider::create);

    private TokenCounters() {
    }

    /** The names of the available token counters. */
    public static Set<String> available() {
        return REGISTRY.available();
    }

    /** Creates the named token counter; fails on an unknown name or option with the lists of what exists. */
    public static TokenCounter create(String name, ProviderOptions options) {
        return REGISTRY.create(name, options);
    }

    /** The default counter: a new {@link EstimatingTokenCounter}. */
    public static TokenCounter defaultCounter() {
        return new EstimatingTokenCounter();
    }

    /** The provider of the built-in estimator, named {@code estimate}. */
    public static final class EstimateProvider implements TokenCounterProvider {
        @Override
        public String name() {
            return "estimate";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public String description() {
            return "fast estimate from bytes and words, calibrated by the server's token counts";
        }

        @Override
        public TokenCounter create(ProviderOptions options) {
            return new EstimatingTokenCounter();
        }
    }
}
