package dev.llamakit.summarize;

/**
 * Condenses text. One interface for the summarization memory, the summarizer service and offline mode: a
 * model-backed implementation ({@link ChatModelSummarizer}) and extractive ones implement it.
 */
public interface Summarizer {

    /** Summarizes the request's text, following its instruction, within its token limit. */
    String summarize(SummaryRequest request);
}
