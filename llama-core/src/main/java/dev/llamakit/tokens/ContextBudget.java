package dev.llamakit.tokens;

/**
 * How many tokens a request may use: the model's context window, minus what is reserved for the reply.
 * The Llama API serves 128k-token windows with replies up to 4096 tokens.
 */
public record ContextBudget(int contextWindow, int replyReserve) {
    /** Llama API models: 128,000 tokens, 4,096 reserved for the reply. */
    public static final ContextBudget LLAMA_API = new ContextBudget(128_000, 4_096);

    public ContextBudget {
        if (contextWindow <= 0) {
            throw new IllegalArgumentException("contextWindow must be positive, got " + contextWindow);
        }
        if (replyReserve < 0 || replyReserve >= contextWindow) {
            throw new IllegalArgumentException("replyReserve must be in [0, contextWindow), got " + replyReserve);
        }
    }

    /** Tokens left for the request's messages. */
    public int promptTokens() {
        return contextWindow - replyReserve;
    }
}
