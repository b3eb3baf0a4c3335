package dev.llamakit.client;

/**
 * Something that answers chat requests. Everything above the transport (conversations, memory,
 * summarizers, RAG) depends on this interface, never on {@link LlamaClient} or a dialect.
 */
public interface ChatModel {

    /** Sends the request and waits for the complete reply. */
    ChatResponse chat(ChatRequest request);
}
