package dev.llamakit.apps.qa;

import dev.llamakit.apps.text.Sentences;
import java.util.List;
import java.util.Objects;

/**
 * An answer: its text; {@code offline} when it was extracted from the context without a model; and, offline, the
 * context sentences it rests on (with their offsets in the context), empty for a model's answer or when the
 * answer cannot be determined.
 */
public record Answer(String text, boolean offline, List<Sentences.Sentence> support) {
    public Answer {
        Objects.requireNonNull(text, "text");
        support = List.copyOf(support);
    }
}
