/**
 * The running summary that {@code summarization} and {@code hierarchical} share: the incremental
 * {@link dev.llamakit.memory.running.RunningSummary} (folds turns into a summary, a batch at a time), its persisted
 * {@link dev.llamakit.memory.running.SummaryState}, the {@link dev.llamakit.memory.running.MemoryPreamble} that puts
 * the summary into the system message, and {@link dev.llamakit.memory.running.ContextAssembly}, which builds the
 * context of a preamble and chosen units within the budget.
 */
package dev.llamakit.memory.running;
