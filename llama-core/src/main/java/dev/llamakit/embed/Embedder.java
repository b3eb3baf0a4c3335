package dev.llamakit.embed;

import java.util.List;

/**
 * Turns texts into dense vectors whose cosine similarity measures how close their meanings are. Implementations are
 * thread-safe, deterministic (the same text gives the same vector) and batch internally; vectors are L2-normalised
 * so that the dot product equals the cosine. Rules every embedder keeps are checked by {@code llama-tck}'s
 * {@code EmbedderContract}.
 */
public interface Embedder extends AutoCloseable {

    /**
     * A stable name of the model and its settings, e.g. {@code all-minilm-l6-v2-q}; stored with an index so that
     * vectors from different models are never mixed.
     */
    String name();

    /** The length of every vector. */
    int dimensions();

    /**
     * One unit-length vector per text, in order. Texts longer than the model's maximum sequence length are
     * truncated. Fails with {@link IllegalArgumentException} on a null text.
     */
    List<float[]> embed(List<String> texts);

    /**
     * The vector of a search query. Models trained with a query instruction (e.g. BGE) prepend it here; for the
     * others this is {@code embed(List.of(query)).get(0)}.
     */
    default float[] embedQuery(String query) {
        return embed(List.of(query)).get(0);
    }

    /** Frees the model. */
    @Override
    default void close() {
    }
}
