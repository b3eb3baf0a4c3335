package dev.llamakit.client;

import dev.llamakit.internal.stream.AsyncStreams;
import dev.llamakit.internal.stream.ChatStreamPublisher;
import dev.llamakit.internal.stream.StreamThreads;
import dev.llamakit.structured.StructuredOutput;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Something that answers chat requests. Everything above the transport (conversations, memory,
 * summarizers, RAG) depends on this interface, never on {@link LlamaClient} or a dialect. Only
 * {@link #chat(ChatRequest)} must be implemented; the other methods have working defaults (a model that
 * cannot stream replays its complete reply as a stream).
 */
public interface ChatModel {

    /** Sends the request and waits for the complete reply. */
    ChatResponse chat(ChatRequest request);

    /**
     * Sends the request asking for JSON that follows {@code type}'s schema (derived from the record) and reads
     * the reply as a {@code type}. See {@link StructuredOutput}.
     *
     * @throws dev.llamakit.structured.StructuredOutputException when the reply is not valid JSON of that type
     *     (it carries the raw text)
     */
    default <T> T chat(ChatRequest request, Class<T> type) {
        return StructuredOutput.chat(this, request, type);
    }

    /**
     * Sends the request and returns the reply as a stream of events. Close the stream (try-with-resources).
     * The default replays {@link #chat(ChatRequest)}'s complete reply.
     */
    default ChatStream stream(ChatRequest request) {
        return ChatStream.of(chat(request));
    }

    /**
     * Sends the request without blocking the caller. The default runs {@link #chat(ChatRequest)} on a shared
     * pool and cannot interrupt it; {@link LlamaClient} cancels the HTTP exchange when the future is cancelled.
     */
    default CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        return CompletableFuture.supplyAsync(() -> chat(request), StreamThreads.pool());
    }

    /**
     * Streams on a background thread, passing each event to {@code onEvent} as it arrives; the future completes
     * with the collected reply. Cancelling the future closes the stream.
     */
    default CompletableFuture<ChatResponse> streamAsync(ChatRequest request, Consumer<ChatStreamEvent> onEvent) {
        return AsyncStreams.consume(c -> stream(request), onEvent, StreamThreads.pool());
    }

    /**
     * The reply's events as a {@link Flow.Publisher} that honours demand: nothing is read from the connection
     * beyond what the subscriber requested. Each subscriber gets its own call, made when it subscribes (a call
     * that fails is reported through {@code onError} without demand); {@code cancel()} stops it.
     */
    default Flow.Publisher<ChatStreamEvent> streamPublisher(ChatRequest request) {
        return new ChatStreamPublisher(c -> stream(request), StreamThreads.pool());
    }
}
