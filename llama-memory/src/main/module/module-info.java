/**
 * llamakit's memory strategies ({@code sliding-window}, {@code selective-retention}, {@code summarization},
 * {@code hierarchical}) and the durable file conversation store ({@code file}), found by name through the registries
 * in {@code dev.llamakit.core}.
 */
module dev.llamakit.memory {
    requires transitive dev.llamakit.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    // dev.llamakit.memory.relevance (units, postings and token counts kept per conversation) is shared by the
    // strategies and not exported

    exports dev.llamakit.memory.hierarchical;
    exports dev.llamakit.memory.running;
    exports dev.llamakit.memory.selective;
    exports dev.llamakit.memory.store;
    exports dev.llamakit.memory.summary;
    exports dev.llamakit.memory.window;
    // the store's record classes are read and written by Jackson
    opens dev.llamakit.memory.store to com.fasterxml.jackson.databind;

    provides dev.llamakit.memory.MemoryStrategyProvider with dev.llamakit.memory.window.SlidingWindowProvider,
            dev.llamakit.memory.selective.SelectiveRetentionProvider,
            dev.llamakit.memory.summary.SummarizationProvider,
            dev.llamakit.memory.hierarchical.HierarchicalProvider;
    provides dev.llamakit.memory.ConversationStoreProvider with dev.llamakit.memory.store.FileConversationStoreProvider;
}
