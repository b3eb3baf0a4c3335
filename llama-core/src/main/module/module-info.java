/**
 * llamakit's core: the client for Meta's Llama API and OpenAI-compatible servers, the message model, and the SPIs
 * (memory strategies, conversation stores, retrievers, embedders, rerankers, token counters) with their registries.
 * Packages under {@code dev.llamakit.internal} are not exported.
 */
module dev.llamakit.core {
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires transitive java.net.http;
    requires org.slf4j;

    exports dev.llamakit.chat;
    exports dev.llamakit.client;
    exports dev.llamakit.client.error;
    exports dev.llamakit.client.observe;
    exports dev.llamakit.embed;
    exports dev.llamakit.memory;
    exports dev.llamakit.moderation;
    exports dev.llamakit.retrieval;
    exports dev.llamakit.retrieval.chunk;
    exports dev.llamakit.retrieval.eval;
    exports dev.llamakit.retrieval.fusion;
    exports dev.llamakit.retrieval.rerank;
    exports dev.llamakit.spi;
    exports dev.llamakit.structured;
    exports dev.llamakit.summarize;
    exports dev.llamakit.tokens;
    exports dev.llamakit.tools;

    uses dev.llamakit.embed.EmbedderProvider;
    uses dev.llamakit.memory.ConversationStoreProvider;
    uses dev.llamakit.memory.MemoryStrategyProvider;
    uses dev.llamakit.retrieval.RetrieverProvider;
    uses dev.llamakit.retrieval.rerank.RerankerProvider;
    uses dev.llamakit.tokens.TokenCounterProvider;

    provides dev.llamakit.memory.ConversationStoreProvider with dev.llamakit.memory.ConversationStores.InMemoryProvider;
    provides dev.llamakit.memory.MemoryStrategyProvider with dev.llamakit.memory.FullHistoryStrategy.Provider;
    provides dev.llamakit.retrieval.rerank.RerankerProvider with dev.llamakit.retrieval.rerank.BuiltInRerankers.MmrProvider,
            dev.llamakit.retrieval.rerank.BuiltInRerankers.LlmProvider;
    provides dev.llamakit.tokens.TokenCounterProvider with dev.llamakit.tokens.TokenCounters.EstimateProvider;
}
