package dev.llamakit.embed;

/**
 * Told how embedding goes while a retriever that stores vectors (e.g. {@code vector}, {@code hybrid}, {@code opensearch}) indexes documents, e.g. to draw a
 * progress bar. Pass it as {@code ProviderOptions.builder().service(EmbeddingProgress.class, progress)} or with the
 * builders' {@code progress(...)}. Called on the thread that upserts, after each batch the embedder returns; never
 * for chunks whose vectors are reused (unchanged text), so an upsert with nothing new to embed reports nothing.
 * Keep it quick: it runs inside {@code upsert}. An exception it throws fails the upsert, which then writes nothing.
 */
@FunctionalInterface
public interface EmbeddingProgress {

    /**
     * {@code done} of the {@code total} chunks this upsert has to embed have their vectors ({@code 0 < done <=
     * total}; the last call has {@code done == total}).
     */
    void embedded(int done, int total);

    /** Reports nothing. */
    static EmbeddingProgress none() {
        return (done, total) -> {
        };
    }
}
