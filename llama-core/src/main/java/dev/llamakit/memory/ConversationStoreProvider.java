package dev.llamakit.memory;

import dev.llamakit.spi.NamedProvider;
import dev.llamakit.spi.ProviderOptions;

/** Makes a {@link ConversationStore}; registered in {@code META-INF/services/dev.llamakit.memory.ConversationStoreProvider}. */
public interface ConversationStoreProvider extends NamedProvider {
    ConversationStore create(ProviderOptions options);
}
