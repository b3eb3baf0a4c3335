package dev.llamakit.moderation;

import java.util.List;
import java.util.Objects;

/** The moderation verdicts and the model that gave them. */
public record ModerationResponse(String model, List<ModerationResult> results) {
    public ModerationResponse {
        Objects.requireNonNull(model, "model");
        results = List.copyOf(Objects.requireNonNull(results, "results"));
    }

    /** Whether any result is flagged. */
    public boolean flagged() {
        return results.stream().anyMatch(ModerationResult::flagged);
    }
}
