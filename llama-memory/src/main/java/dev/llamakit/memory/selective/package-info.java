/**
 * The {@code selective-retention} memory strategy: past messages scored by relevance to the current turn,
 * importance and recency, kept by score within the budget. See
 * {@link dev.llamakit.memory.selective.SelectiveRetentionStrategy}.
 */
package dev.llamakit.memory.selective;
