package dev.llamakit.memory;

import dev.llamakit.internal.spi.ProviderRegistry;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;

/** The conversation stores on the classpath, by name: {@code in-memory} is built in; {@code llama-memory} adds {@code file}. */
public final class ConversationStores {
    private static final ProviderRegistry<ConversationStoreProvider, ConversationStore> REGISTRY =
            ProviderRegistry.of(ConversationStoreProvider.class, "conversation store", ConversationStoreProvider::create);

    private ConversationStores() {
    }

    /** The names of the conversation stores on the classpath, sorted. */
    public static Set<String> available() {
        return REGISTRY.available();
    }

    /** Creates the named store; fails on an unknown name or option with the lists of what exists. */
    public static ConversationStore create(String name, ProviderOptions options) {
        return REGISTRY.create(name, options);
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
