/**
 * The {@code hierarchical} memory strategy: a short-term window, long-term recall by relevance and a running
 * summary, each in its share of the budget. See {@link dev.llamakit.memory.hierarchical.HierarchicalStrategy}.
 */
package dev.llamakit.memory.hierarchical;
