package dev.llamakit.moderation;

import dev.llamakit.chat.Message;
import dev.llamakit.client.LlamaClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Content to classify with Llama Guard: user input and model output separately, or a whole conversation. Sent
 * to the native {@code POST /moderations} by {@link LlamaClient#moderate}, or written into a Llama Guard prompt
 * by {@link dev.llamakit.moderation.LlamaGuardModerator}.
 */
public record ModerationRequest(List<Message> messages, Optional<String> model) {
    public ModerationRequest {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        Objects.requireNonNull(model, "model");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a moderation request needs at least one message");
        }
    }

    /** Classifies the messages with the server's default moderation model. */
    public static ModerationRequest of(Message... messages) {
        return new ModerationRequest(List.of(messages), Optional.empty());
    }

    /** Classifies one piece of user text with the server's default moderation model. */
    public static ModerationRequest ofText(String text) {
        return of(Message.user(text));
    }

    /** The same request, classified by the named model (for example {@code Llama-Guard}). */
    public ModerationRequest withModel(String model) {
        return new ModerationRequest(messages, Optional.of(Objects.requireNonNull(model, "model")));
    }
}
