package dev.llamakit.spi;

import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.ConversationStoreProvider;
import dev.llamakit.memory.FullHistoryStrategy;
import dev.llamakit.memory.InMemoryConversationStore;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.MemoryStrategyProvider;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import dev.llamakit.tokens.TokenCounterProvider;

/**
 * Providers that {@link ProviderRegistryTest} and {@link ProviderCacheTest} list in services files of its own class loaders (never in this
 * module's real {@code META-INF/services}), to build duplicate names and failing providers.
 */
public final class RegistryFixtures {
    private RegistryFixtures() {
    }

    /** A strategy that sends the full history under another name, remembering its options. */
    public record NamedStrategy(String name, ProviderOptions options) implements MemoryStrategy {
        @Override
        public MemoryContext select(MemoryInput input) {
            return new FullHistoryStrategy().select(input);
        }
    }

    abstract static class StrategyProvider extends FixtureProvider implements MemoryStrategyProvider {
        StrategyProvider(String name, String... keys) {
            super(name, keys);
        }

        @Override
        public MemoryStrategy create(ProviderOptions options) {
            return new NamedStrategy(name(), options);
        }
    }

    public static final class Alpha extends StrategyProvider {
        public Alpha() {
            super("alpha");
        }
    }

    /** Another provider named {@code alpha}. */
    public static final class AlphaAgain extends StrategyProvider {
        public AlphaAgain() {
            super("alpha");
        }
    }

    public static final class Beta extends StrategyProvider {
        public Beta() {
            super("beta", "size", "mode");
        }

        @Override
        public MemoryStrategy create(ProviderOptions options) {
            options.integer("size", 1, 1);
            return super.create(options);
        }
    }

    /** Pretends to be llama-memory's sliding window, for the default-name logic. */
    public static final class FakeSlidingWindow extends StrategyProvider {
        public FakeSlidingWindow() {
            super("sliding-window");
        }
    }

    /** Fails in its constructor, as a provider with a missing dependency would. */
    public static final class Exploding extends StrategyProvider {
        public Exploding() {
            super("exploding");
            throw new IllegalStateException("boom: a dependency is missing");
        }
    }

    /** Fails when asked its name. */
    public static final class Nameless extends StrategyProvider {
        public Nameless() {
            super("nameless");
        }

        @Override
        public String name() {
            throw new UnsupportedOperationException("no name today");
        }
    }

    public static final class OtherEstimate extends FixtureProvider implements TokenCounterProvider {
        public OtherEstimate() {
            super("estimate");
        }

        @Override
        public TokenCounter create(ProviderOptions options) {
            return new EstimatingTokenCounter();
        }
    }

    public static final class Exact extends FixtureProvider implements TokenCounterProvider {
        public Exact() {
            super("exact", "vocabulary");
        }

        @Override
        public TokenCounter create(ProviderOptions options) {
            return new EstimatingTokenCounter();
        }
    }

    public static final class OtherInMemory extends FixtureProvider implements ConversationStoreProvider {
        public OtherInMemory() {
            super("in-memory");
        }

        @Override
        public ConversationStore create(ProviderOptions options) {
            return new InMemoryConversationStore();
        }
    }

    public static final class Vault extends FixtureProvider implements ConversationStoreProvider {
        public Vault() {
            super("vault", "path");
        }

        @Override
        public ConversationStore create(ProviderOptions options) {
            return new InMemoryConversationStore();
        }
    }

    /** An SPI nobody provides. */
    public interface Gadget extends NamedProvider {
    }
}
