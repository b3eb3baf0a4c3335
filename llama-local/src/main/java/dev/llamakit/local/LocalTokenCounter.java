package dev.llamakit.local;

import dev.llamakit.chat.Message;
import dev.llamakit.tokens.TokenCounter;
import java.util.List;
import java.util.Objects;

/**
 * Exact token counts from a {@link LocalChatModel}'s own tokenizer: a list of messages is counted as the prompt the
 * model will see (through its chat template, the assistant's turn opened); a single message as its text plus the
 * template's per-message overhead. Thread-safe; it does not calibrate.
 */
public final class LocalTokenCounter implements TokenCounter {
    private final LocalChatModel model;
    private volatile int overhead = -1;

    LocalTokenCounter(LocalChatModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    @Override
    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : model.countTokens(text);
    }

    @Override
    public int count(Message message) {
        return overhead() + count(message.text());
    }

    @Override
    public int count(List<? extends Message> messages) {
        return model.promptTokens(model.render(List.copyOf(messages), List.of()));
    }

    /**
     * Tokens the template adds around one more message: what two more empty turns (an assistant's and a user's) add
     * to a prompt, halved, so that the prompt's fixed parts (begin-of-text, a default system text, the reply's
     * opening) are not counted with every message.
     */
    private int overhead() {
        int o = overhead;
        if (o < 0) {
            int one = model.promptTokens(model.render(List.of(Message.user("")), List.of()));
            int three = model.promptTokens(model.render(List.of(Message.user(""), Message.assistant(""), Message.user("")),
                    List.of()));
            o = Math.max(0, (three - one + 1) / 2);
            overhead = o;
        }
        return o;
    }
}
