package dev.llamakit.summarize;

import java.util.Objects;
import java.util.Optional;

/**
 * What to summarize: the text; an optional instruction (length, format, focus, tone); the most tokens the
 * summary may take; and, for incremental summaries, the summary so far that the text extends.
 */
public record SummaryRequest(String text, String instruction, int maxTokens, String previousSummary) {
    public SummaryRequest {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("nothing to summarize: the text is empty");
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
    }

    /** Summarizes {@code text} in at most {@code maxTokens} tokens, without special instructions. */
    public static SummaryRequest of(String text, int maxTokens) {
        return new SummaryRequest(text, null, maxTokens, null);
    }

    public Optional<String> instructionIfAny() {
        return Optional.ofNullable(instruction);
    }

    public Optional<String> previousSummaryIfAny() {
        return Optional.ofNullable(previousSummary).filter(s -> !s.isBlank());
    }
}
