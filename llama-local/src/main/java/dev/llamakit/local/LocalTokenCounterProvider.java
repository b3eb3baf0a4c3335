package dev.llamakit.local;

import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.tokens.TokenCounter;
import dev.llamakit.tokens.TokenCounterProvider;
import java.util.Set;

/**
 * The token counter {@code local}: exact counts from a loaded {@link LocalChatModel}'s tokenizer and chat template.
 * It needs the model as a service: {@code ProviderOptions.builder().service(LocalChatModel.class, model)}.
 */
public final class LocalTokenCounterProvider implements TokenCounterProvider {
    @Override
    public String name() {
        return "local";
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of();
    }

    @Override
    public String description() {
        return "exact counts from a local GGUF model's own tokenizer and chat template (needs the LocalChatModel)";
    }

    @Override
    public TokenCounter create(ProviderOptions options) {
        options.requireOnly(name(), optionKeys());
        return options.requireService(LocalChatModel.class, "token counter 'local'").tokenCounter();
    }
}
