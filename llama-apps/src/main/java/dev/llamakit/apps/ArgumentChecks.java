package dev.llamakit.apps;

import dev.llamakit.retrieval.RetrievalQuery;

/**
 * The argument checks of the apps' builders ({@code RagPipeline}, {@code TextSummarizer}, {@code QuestionAnswerer}),
 * each with its one message: {@code "maxTokens must be positive, got 0"}.
 */
public final class ArgumentChecks {
    private ArgumentChecks() {
    }

    /**
     * {@code value}, when it is at least 1.
     *
     * @throws IllegalArgumentException naming {@code name} otherwise
     */
    public static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * {@code value}, when it is at least {@code min}.
     *
     * @throws IllegalArgumentException naming {@code name} otherwise
     */
    public static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /**
     * {@code value}, when it is a retrieval depth: 1 to {@link RetrievalQuery#MAX_TOP_K}.
     *
     * @throws IllegalArgumentException naming {@code name} otherwise
     */
    public static int retrievalDepth(String name, int value) {
        if (value < 1 || value > RetrievalQuery.MAX_TOP_K) {
            throw new IllegalArgumentException(name + " must be between 1 and " + RetrievalQuery.MAX_TOP_K + ", got " + value);
        }
        return value;
    }
}
