/**
 * Chunking: {@link dev.llamakit.retrieval.chunk.SentenceChunker}, the default sentence-aware, token-sized
 * {@link dev.llamakit.retrieval.Chunker}, and {@link dev.llamakit.retrieval.chunk.ChunkingOptions}, the
 * {@code chunking}/{@code chunk-tokens}/{@code chunk-overlap} options retriever providers share.
 */
package dev.llamakit.retrieval.chunk;
