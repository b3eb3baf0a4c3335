package dev.llamakit.client.observe;

import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.LlamaClient;
import java.time.Duration;

/**
 * Observes chat calls: for metrics, tracing and logging. Register any number with
 * {@link LlamaClient.Builder#listener(ChatListener)}. Every method has an empty default. Listeners run on the
 * calling thread (or the thread that completes an async call), so keep them quick; an exception thrown by a
 * listener is logged and never breaks the call.
 */
public interface ChatListener {

    /** The call is about to be sent. */
    default void onRequest(ChatCall call, ChatRequest request) {
    }

    /** An attempt failed and the client retries after {@code wait}. */
    default void onRetry(ChatCall call, int failedAttempt, Duration wait, String reason) {
    }

    /** The first text or tool-call fragment of a stream arrived. */
    default void onFirstToken(ChatCall call, Duration timeToFirstToken) {
    }

    /** The call completed; {@code response.usage()} has the token counts when the server sent them. */
    default void onResponse(ChatCall call, ChatResponse response, Duration duration) {
    }

    /**
     * The call failed. The HTTP status, when there was one, is {@code ((LlamaApiException) error).status()}
     * ({@link dev.llamakit.client.error.LlamaApiException}).
     * A stream closed by the caller before its end reports a {@link java.util.concurrent.CancellationException}.
     */
    default void onError(ChatCall call, Throwable error, Duration duration) {
    }
}
