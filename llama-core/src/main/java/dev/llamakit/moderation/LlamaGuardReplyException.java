package dev.llamakit.moderation;

import dev.llamakit.client.error.LlamaException;
import java.util.Objects;

/**
 * The model's reply is not a Llama Guard verdict ({@code safe}, or {@code unsafe} and a line of category codes):
 * usually the model is not a Llama Guard model. The message quotes the start of the reply; {@link #reply()} has
 * all of it.
 */
public class LlamaGuardReplyException extends LlamaException {
    private static final int SNIPPET_CHARS = 80;

    private final String reply;

    public LlamaGuardReplyException(String reason, String model, String reply) {
        super("the reply of '" + Objects.requireNonNull(model, "model") + "' is not a Llama Guard verdict ("
                + Objects.requireNonNull(reason, "reason") + "): \"" + snippet(Objects.requireNonNull(reply, "reply"))
                + "\"; expected 'safe', or 'unsafe' and a line such as 'S1,S10' (is it a Llama Guard 3 model?)");
        this.reply = reply;
    }

    /** The whole reply as received. */
    public String reply() {
        return reply;
    }

    private static String snippet(String reply) {
        String oneLine = reply.strip().replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() > SNIPPET_CHARS ? oneLine.substring(0, SNIPPET_CHARS) + "..." : oneLine;
    }
}
