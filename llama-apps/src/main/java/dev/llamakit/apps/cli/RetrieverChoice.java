package dev.llamakit.apps.cli;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.EmbeddingProgress;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creating retrievers by name, with the settings the command line uses: sentence chunks (good passages to answer
 * from), an embedder for the dense ones, the cluster's URL and credentials for {@code opensearch}. The retriever
 * owns nothing it is given: the caller closes the embedder after the retriever.
 */
final class RetrieverChoice {
    private RetrieverChoice() {
    }

    /** Fails with an input error naming the available retrievers when {@code name} is not one. */
    static void requireKnown(String name) {
        Set<String> available = Retrievers.available();
        if (!available.contains(name)) {
            throw CliException.input("unknown retriever '" + name + "'; available: " + String.join(", ", new TreeSet<>(available)));
        }
    }

    /** The embedder the options need, or null when they need none. */
    static Embedder embedderFor(RetrieverOptions options) {
        return options.dense() ? EmbedderChoice.create(options.embedder) : null;
    }

    /** An in-memory retriever (no {@code dir}), an on-disk one at {@code dir}, or the OpenSearch index {@code indexName}. */
    static Retriever create(RetrieverOptions options, CliContext ctx, Path dir, String indexName, Embedder embedder,
                            EmbeddingProgress progress, boolean forEvaluation) {
        requireKnown(options.name);
        if (options.fusion != null && !options.name.equals("hybrid") && !(options.opensearch() && options.mode.equals("hybrid"))) {
            throw new CliException(ExitCodes.USAGE, "--fusion is for hybrid retrieval only");
        }
        ProviderOptions.Builder b = ProviderOptions.builder();
        if (!forEvaluation) {
            b.put("chunking", options.chunking());
        }
        if (Set.of("bm25", "vector", "hybrid", "opensearch").contains(options.name)) {
            b.put("highlight", Boolean.toString(!forEvaluation));
        }
        if (embedder != null) {
            b.service(Embedder.class, embedder);
            if (progress != null && !options.opensearch()) {
                b.service(EmbeddingProgress.class, progress);
            }
        }
        if (options.fusion != null) {
            b.put("fusion", options.fusion);
        }
        if (options.opensearch()) {
            b.put("url", options.opensearchUrl(ctx)).put("index", indexName).put("mode", options.mode);
            String user = ctx.variable("LLAMA_OPENSEARCH_USER");
            String password = ctx.variable("LLAMA_OPENSEARCH_PASSWORD");
            String apiKey = ctx.variable("LLAMA_OPENSEARCH_API_KEY");
            if (user != null && password != null) {
                b.put("username", user).put("password", password);
            }
            if (apiKey != null) {
                b.put("api-key", apiKey);
            }
        } else if (dir != null) {
            b.put("index", dir.toString());
        }
        return Retrievers.create(options.name, b.build());
    }

    /** Fails with an input error when there is no index at {@code dir}. */
    static void requireIndex(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw CliException.input("no index at " + dir + ": build one with 'llama rag index DIR --index " + dir
                    + "', or answer from a folder with --docs DIR");
        }
    }
}
