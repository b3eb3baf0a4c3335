package dev.llamakit.chat;

/** Token counts of one request, as reported by the server. */
public record Usage(long promptTokens, long completionTokens, long totalTokens) {
    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }
}
