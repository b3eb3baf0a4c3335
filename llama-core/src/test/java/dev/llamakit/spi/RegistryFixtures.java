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
import java.util.Set;

/**
 * Providers that {@link ProviderRegistryTest} lists in services files of its own class loaders (never in this
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

    abstract static class StrategyProvider implements MemoryStrategyProvider {
        private final String name;
        private final Set<String> keys;

        StrategyProvider(String name, Set<String> keys) {
            this.name = name;
            this.keys = keys;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Set<String> optionKeys() {
            return keys;
        }

        @Override
        public MemoryStrategy create(ProviderOptions options) {
            return new NamedStrategy(name, options);
        }
    }

    public static final class Alpha extends StrategyProvider {
        public Alpha() {
            super("alpha", Set.of());
        }
    }

    /** Another provider named {@code alpha}. */
    public static final class AlphaAgain extends StrategyProvider {
        public AlphaAgain() {
            super("alpha", Set.of());
        }
    }

    public static final class Beta extends StrategyProvider {
        public Beta() {
            super("beta", Set.of("size", "mode"));
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
            super("sliding-window", Set.of());
        }
    }

    /** Fails in its constructor, as a provider with a missing dependency would. */
    public static final class Exploding extends StrategyProvider {
        public Exploding() {
            super("exploding", Set.of());
            throw new IllegalStateException("boom: a dependency is missing");
        }
    }

    /** Fails when asked its name. */
    public static final class Nameless extends StrategyProvider {
        public Nameless() {
            super("nameless", Set.of());
        }

        @Override
        public String name() {
            throw new UnsupportedOperationException("no name today");
        }
    }

    public static final class OtherEstimate implements TokenCounterProvider {
        @Override
        public String name() {
            return "estimate";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public TokenCounter create(ProviderOptions options) {
            return new EstimatingTokenCounter();
        }
    }

    public static final class Exact implements TokenCounterProvider {
        @Override
        public String name() {
            return "exact";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of("vocabulary");
        }

        @Override
        public TokenCounter create(ProviderOptions options) {
            return new EstimatingTokenCounter();
        }
    }

    public static final class OtherInMemory implements ConversationStoreProvider {
        @Override
        public String name() {
            return "in-memory";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public ConversationStore create(ProviderOptions options) {
            return new InMemoryConversationStore();
        }
    }

    public static final class Vault implements ConversationStoreProvider {
        @Override
        public String name() {
            return "vault";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of("path");
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
