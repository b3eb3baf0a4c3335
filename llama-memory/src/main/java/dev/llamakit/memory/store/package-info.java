/**
 * Durable conversation stores: {@link dev.llamakit.memory.store.FileConversationStore}, one append-only,
 * checksummed, fsync'd JSON-lines file per conversation (provider name {@code file}).
 */
package dev.llamakit.memory.store;
