package dev.llamakit.memory;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;
import java.util.Objects;
import java.util.Set;

/** The conversation stores on the classpath, by name: {@code in-memory} is built in; {@code llama-memory} adds {@code file}. */
public final class ConversationStores {
    private ConversationStores() {
    }

    public static Set<String> available() {
        return ProviderRegistry.load(ConversationStoreProvider.class, "conversation store").names();
    }

    /** Creates the named store; fails on an unknown name or option with the lists of what exists. */
    public static ConversationStore create(String name, ProviderOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        ConversationStoreProvider provider = ProviderRegistry.load(ConversationStoreProvider.class, "conversation store").require(name);
        options.requireOnly(name, provider.optionKeys());
        return provider.create(options);
    }

    /** The provider of {@link InMemoryConversationStore}, named {@code in-memory}. */
    public static final class InMemoryProvider implements ConversationStoreProvider {
        @Override
        public String name() {
            return "in-memory";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of();
        }

        @Override
        public String description() {
            return "keeps conversations in memory until the JVM exits";
        }

        @Override
        public ConversationStore create(ProviderOptions options) {
            return new InMemoryConversationStore();
        }
    }
}
