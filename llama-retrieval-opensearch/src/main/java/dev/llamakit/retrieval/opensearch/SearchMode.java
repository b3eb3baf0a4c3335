package dev.llamakit.retrieval.opensearch;

import java.util.Locale;

/** How the {@code opensearch} retriever searches. */
public enum SearchMode {
    /** BM25 over the English-analysed title and text (the default). */
    BM25,
    /**
     * k-nearest-neighbour search over the chunks' embeddings (HNSW, Lucene engine, cosine). Scores are cosine
     * similarities in [-1, 1], as in the Lucene {@code vector} retriever. Needs an embedder.
     */
    VECTOR,
    /** BM25 and vector search in one {@code _msearch}, fused on the client (RRF or weighted min-max). */
    HYBRID;

    /** The option value: {@code bm25}, {@code vector} or {@code hybrid}. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an option value, failing with the allowed values. */
    public static SearchMode parse(String value) {
        for (SearchMode m : values()) {
            if (m.optionValue().equalsIgnoreCase(value.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("option 'mode' must be bm25, vector or hybrid, got '" + value + "'");
    }
}
