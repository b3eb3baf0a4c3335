package dev.llamakit.moderation;

import java.util.List;
import java.util.Objects;

/**
 * One verdict: whether the content is flagged, and the hazard categories it falls under: the server's lower-case
 * slugs from {@code /moderations}, the Llama Guard codes ({@code S1}, ...) from
 * {@link dev.llamakit.moderation.LlamaGuardModerator}.
 */
public record ModerationResult(boolean flagged, List<String> categories) {
    public ModerationResult {
        categories = List.copyOf(Objects.requireNonNull(categories, "categories"));
    }
}
