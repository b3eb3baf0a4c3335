/**
 * The {@code summarization} memory strategy ({@link dev.llamakit.memory.summary.SummarizationStrategy}) and its
 * provider: recent turns verbatim, older ones folded into the running summary of
 * {@link dev.llamakit.memory.running}.
 */
package dev.llamakit.memory.summary;
