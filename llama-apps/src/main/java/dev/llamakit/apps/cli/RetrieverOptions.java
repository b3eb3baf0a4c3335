package dev.llamakit.apps.cli;

import picocli.CommandLine.Option;

/** How a command retrieves: the retriever, its embedder and fusion, and the OpenSearch cluster (a picocli mixin). */
final class RetrieverOptions {
    /** The index name used on OpenSearch when {@code --index} is not given. */
    static final String DEFAULT_OPENSEARCH_INDEX = "llamakit";

    @Option(names = "--retriever", paramLabel = "NAME", defaultValue = "bm25",
            description = "bm25, keyword, vector, hybrid (BM25 + vectors, fused) or opensearch. Default: what the index "
                    + "was built with, else ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--embedder", paramLabel = "NAME", defaultValue = EmbedderChoice.DEFAULT,
            description = "The embedder of vector, hybrid and opensearch --mode vector|hybrid. Default: the index's, else "
                    + "${DEFAULT-VALUE}.")
    String embedder;

    @Option(names = "--fusion", paramLabel = "rrf|minmax",
            description = "How hybrid retrieval merges the BM25 and vector rankings (default: the index's, else the "
                    + "retriever's).")
    String fusion;

    @Option(names = "--opensearch-url", paramLabel = "URL",
            description = "OpenSearch node URLs, comma-separated (else LLAMA_OPENSEARCH_URL); with --retriever opensearch.")
    String opensearchUrl;

    @Option(names = "--mode", paramLabel = "bm25|vector|hybrid", defaultValue = "bm25",
            description = "What --retriever opensearch searches with. Default: ${DEFAULT-VALUE}.")
    String mode;

    /** How the command line cuts documents into passages (unless an index recorded another way). */
    static final String CHUNKING = "sentence";

    /** The chunking of an index being read ({@link IndexSettings}); null for {@link #CHUNKING}. */
    private String chunking;

    String chunking() {
        return chunking == null ? CHUNKING : chunking;
    }

    /**
     * Takes the settings an on-disk index recorded for every option not given on the command line. Given options
     * that conflict are an input error, except these documented overrides: when asking ({@code indexing} false),
     * {@code --fusion} and a {@code --retriever} that reads the same index (vector or hybrid on an index with
     * vectors); when indexing, {@code --fusion} (recorded from then on).
     */
    void useRecorded(IndexSettings recorded, picocli.CommandLine.ParseResult given, java.nio.file.Path dir,
                     boolean indexing) {
        boolean givenRetriever = given.hasMatchedOption("--retriever");
        boolean givenEmbedder = given.hasMatchedOption("--embedder");
        String built = "the index in " + dir + " was built with " + recorded.flags();
        if (givenRetriever && !name.equals(recorded.retriever())) {
            boolean recordedDense = recorded.embedder() != null;
            boolean givenDense = name.equals("vector") || name.equals("hybrid");
            if (indexing || recordedDense != givenDense) {
                throw CliException.input(built + ", not --retriever " + name + ": leave --retriever out to use "
                        + "it as built" + (indexing ? "" : recordedDense ? " (or ask with vector or hybrid)" : "")
                        + ", or build another index in a new folder");
            }
        }
        if (givenEmbedder && recorded.embedder() != null && !embedder.equals(recorded.embedder())) {
            throw CliException.input(built + ": its vectors come from " + recorded.embedder() + " and cannot be "
                    + "searched with " + embedder + "'s; leave --embedder out, or build another index in a new folder");
        }
        if (!givenRetriever) {
            name = recorded.retriever();
        }
        if (!givenEmbedder && recorded.embedder() != null) {
            embedder = recorded.embedder();
        }
        if (!given.hasMatchedOption("--fusion") && (givenRetriever ? name.equals("hybrid") : true)) {
            fusion = recorded.fusion();
        }
        chunking = recorded.chunking();
    }

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
