/**
 * The {@code summarization} memory strategy ({@link dev.llamakit.memory.summary.SummarizationStrategy}) and the
 * pieces it shares with {@code hierarchical}: the incremental {@link dev.llamakit.memory.summary.RunningSummary}, its
 * persisted {@link dev.llamakit.memory.summary.SummaryState}, and the {@link dev.llamakit.memory.summary.MemoryPreamble}
 * that puts the summary into the system message.
 */
package dev.llamakit.memory.summary;
