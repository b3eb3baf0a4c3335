package dev.llamakit.retrieval.rerank;

import dev.llamakit.client.ChatModel;
import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.spi.ProviderOptions;

import java.util.Set;

/** The providers of the rerankers that come with core. */
final class BuiltInRerankers {
    private BuiltInRerankers() {
    }

    /**
     * {@code mmr}: options {@code lambda} (0.5) and {@code embedder} (a registered embedder's name), or an
     * {@link Embedder} service (which wins; the reranker does not close a service it was given).
     */
    public static final class MmrProvider implements RerankerProvider {
        @Override
        public String name() {
            return "mmr";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of("lambda", "embedder");
        }

        @Override
        public String description() {
            return "maximal marginal relevance on embeddings: relevant and diverse passages";
        }

        @Override
        public Reranker create(ProviderOptions options) {
            double lambda = options.decimal("lambda", 0.5);
            if (options.service(Embedder.class).isPresent()) {
                return new MaximalMarginalRelevance(options.service(Embedder.class).get(), lambda, false);
            }
            String name = options.string("embedder").orElseThrow(() -> new IllegalArgumentException(
                    "mmr needs an embedder: option embedder=<name> (available: " + Embedders.available()
                            + ") or an Embedder service"));
            if (!(lambda >= 0 && lambda <= 1)) {
                throw new IllegalArgumentException("mmr lambda must be between 0 and 1, got " + lambda);
            }
            return new MaximalMarginalRelevance(Embedders.create(name, ProviderOptions.EMPTY), lambda, true);
        }
    }

    /**
     * {@code llm}: a {@link ChatModel} service (required), options {@code model} (required),
     * {@code max-passage-chars} (1000) and {@code drop-unlisted} (false).
     */
    public static final class LlmProvider implements RerankerProvider {
        @Override
        public String name() {
            return "llm";
        }

        @Override
        public Set<String> optionKeys() {
            return Set.of("model", "max-passage-chars", "drop-unlisted");
        }

        @Override
        public String description() {
            return "a chat model orders the passages by relevance";
        }

        @Override
        public Reranker create(ProviderOptions options) {
            ChatModel model = options.requireService(ChatModel.class, "the llm reranker");
            String name = options.string("model").orElseThrow(() ->
                    new IllegalArgumentException("the llm reranker needs option model=<model name>"));
            return new LlmReranker(model, name, options.integer("max-passage-chars", 1000, 50),
                    options.bool("drop-unlisted", false));
        }
    }
}
