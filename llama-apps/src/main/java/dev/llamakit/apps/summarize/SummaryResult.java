package dev.llamakit.apps.summarize;

import java.util.Objects;

/**
 * A summary and how it was made: {@code offline} when an extractive summarizer (no model) wrote it, the number of
 * chunks the text was split into (1 when it fitted whole) and how many times the summarizer was called.
 */
public record SummaryResult(String summary, boolean offline, int chunks, int summarizerCalls) {
    public SummaryResult {
        Objects.requireNonNull(summary, "summary");
    }
}
