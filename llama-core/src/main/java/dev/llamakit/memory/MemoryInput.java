package dev.llamakit.memory;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.TokenCounter;
import java.util.Objects;
import java.util.Optional;

/**
 * What a memory strategy chooses from: the conversation's id, its system message (if any), the whole
 * transcript (whose last entry is the user turn being answered), the token budget, the token counter, and the
 * strategy's persisted state.
 *
 * <p>{@code system} is the request's one system message: the system prompt given here with the transcript's
 * {@linkplain Transcript#systemEntries() system entries} folded in ({@link Transcript#systemMessage(SystemMessage)}),
 * so a strategy that sends {@link #system()} first and works on {@link Transcript#units()} never sends a system
 * message further down, and loses no instruction the caller recorded.
 */
public record MemoryInput(String conversationId, SystemMessage system, Transcript transcript, ContextBudget budget,
                          TokenCounter tokens, StrategyState state) {
    public MemoryInput {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(transcript, "transcript");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(state, "state");
        system = transcript.systemMessage(system);
    }

    /** The user turn being answered: the transcript's last entry. */
    public TranscriptEntry currentTurn() {
        if (transcript.isEmpty()) {
            throw new IllegalStateException("the transcript is empty: there is no turn to answer");
        }
        return transcript.get(transcript.size() - 1);
    }

    /** What every context must hold: the system message (if any) and the last unit (the current turn). */
    public java.util.List<dev.llamakit.chat.Message> requiredMessages() {
        java.util.List<dev.llamakit.chat.Message> required = new java.util.ArrayList<>();
        if (system != null) {
            required.add(system);
        }
        java.util.List<java.util.List<TranscriptEntry>> units = transcript.units();
        if (!units.isEmpty()) {
            units.get(units.size() - 1).forEach(e -> required.add(e.message()));
        }
        return required;
    }

    /**
     * The tokens of {@link #requiredMessages()}.
     *
     * @throws ContextTooLargeException naming {@code strategy} when they alone exceed the budget
     */
    public int requireMinimalContextFits(String strategy) {
        return requireFits(strategy, requiredMessages());
    }

    /**
     * As {@link #requireMinimalContextFits(String)}, for a strategy that has already grouped the transcript:
     * {@code currentTurn} is its last unit (none when the transcript is empty).
     */
    public int requireMinimalContextFits(String strategy, java.util.List<TranscriptEntry> currentTurn) {
        java.util.List<dev.llamakit.chat.Message> required = new java.util.ArrayList<>(1 + currentTurn.size());
        systemMessage().ifPresent(required::add);
        currentTurn.forEach(e -> required.add(e.message()));
        return requireFits(strategy, required);
    }

    private int requireFits(String strategy, java.util.List<dev.llamakit.chat.Message> required) {
        int tokens = this.tokens.count(required);
        if (tokens > budget.promptTokens()) {
            throw new ContextTooLargeException(strategy + ": the system message and the current turn do not fit", tokens,
                    budget.promptTokens());
        }
        return tokens;
    }

    /** The system message, when the conversation has one. */
    public Optional<SystemMessage> systemMessage() {
        return Optional.ofNullable(system);
    }
}
