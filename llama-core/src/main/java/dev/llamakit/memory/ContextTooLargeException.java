package dev.llamakit.memory;

import dev.llamakit.client.error.LlamaException;

/** Even the smallest valid context (the system message and the current user turn) exceeds the token budget. */
public class ContextTooLargeException extends LlamaException {
    private final int neededTokens;
    private final int budgetTokens;

    public ContextTooLargeException(String message, int neededTokens, int budgetTokens) {
        super(message + ": needs " + neededTokens + " tokens, the budget is " + budgetTokens);
        this.neededTokens = neededTokens;
        this.budgetTokens = budgetTokens;
    }

    public int neededTokens() {
        return neededTokens;
    }

    public int budgetTokens() {
        return budgetTokens;
    }
}
