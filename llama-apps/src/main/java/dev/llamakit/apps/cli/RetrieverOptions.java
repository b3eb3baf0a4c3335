package dev.llamakit.apps.cli;

import picocli.CommandLine.Option;

/** How a command retrieves: the retriever, its embedder and fusion, and the OpenSearch cluster (a picocli mixin). */
final class RetrieverOptions {
    /** The index name used on OpenSearch when {@code --index} is not given. */
    static final String DEFAULT_OPENSEARCH_INDEX = "llamakit";

    @Option(names = "--retriever", paramLabel = "NAME", defaultValue = "bm25",
            description = "bm25, keyword, vector, hybrid (BM25 + vectors, fused) or opensearch. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--embedder", paramLabel = "NAME", defaultValue = EmbedderChoice.DEFAULT,
            description = "The embedder of vector, hybrid and opensearch --mode vector|hybrid. Default: ${DEFAULT-VALUE}.")
    String embedder;

    @Option(names = "--fusion", paramLabel = "rrf|minmax",
            description = "How hybrid retrieval merges the BM25 and vector rankings (default: the retriever's).")
    String fusion;

    @Option(names = "--opensearch-url", paramLabel = "URL",
            description = "OpenSearch node URLs, comma-separated (else LLAMA_OPENSEARCH_URL); with --retriever opensearch.")
    String opensearchUrl;

    @Option(names = "--mode", paramLabel = "bm25|vector|hybrid", defaultValue = "bm25",
            description = "What --retriever opensearch searches with. Default: ${DEFAULT-VALUE}.")
    String mode;

    /** Whether the retriever needs an embedder. */
    boolean dense() {
        return name.equals("vector") || name.equals("hybrid") || (opensearch() && !mode.equals("bm25"));
    }

    boolean opensearch() {
        return name.equals("opensearch");
    }

    /** The OpenSearch URLs from the option or {@code LLAMA_OPENSEARCH_URL}; an input error when neither is set. */
    String opensearchUrl(CliContext ctx) {
        String url = opensearchUrl != null && !opensearchUrl.isBlank() ? opensearchUrl : ctx.variable("LLAMA_OPENSEARCH_URL");
        if (url == null) {
            throw CliException.input("--retriever opensearch needs --opensearch-url URL (or LLAMA_OPENSEARCH_URL)");
        }
        return url;
    }
}
