package dev.llamakit.apps.rag;

import java.util.List;
import java.util.Objects;

/**
 * The answer of a {@link RagPipeline}: the text with citation markers {@code [n]} numbered as {@code cited}
 * (in order of first citation); {@code offline} when it was extracted without a model; the sources cited, the
 * sources retrieved but not cited, and the marker numbers the model wrote that pointed at no source (removed from
 * the answer), in order of appearance.
 */
public record RagAnswer(String answer, boolean offline, List<Source> cited, List<Source> uncited,
                        List<Integer> invalidMarkers) {
    public RagAnswer {
        Objects.requireNonNull(answer, "answer");
        cited = List.copyOf(cited);
        uncited = List.copyOf(uncited);
        invalidMarkers = List.copyOf(invalidMarkers);
    }
}
