package dev.llamakit.internal.stream;

import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import dev.llamakit.internal.http.Cancellation;

/** Reads a stream on an executor, passing each event to a callback. Internal. */
public final class AsyncStreams {
    private AsyncStreams() {
    }

    /**
     * Opens and reads the stream on {@code executor}; the future completes with the collected reply. Cancelling
     * the future cancels the call: a stream still opening sends no further request (also during a wait for a
     * retry), an open stream is closed, which cancels the HTTP exchange.
     */
    public static CompletableFuture<ChatResponse> consume(Function<Cancellation, ChatStream> opener,
                                                          Consumer<ChatStreamEvent> onEvent, Executor executor) {
        CompletableFuture<ChatResponse> result = new CompletableFuture<>();
        Cancellation cancellation = new Cancellation();
        AtomicReference<ChatStream> open = new AtomicReference<>();
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                cancellation.cancel();
                ChatStream s = open.get();
                if (s != null) {
                    s.close();
                }
            }
        });
        executor.execute(() -> {
            if (result.isDone()) {
                return;
            }
            try (ChatStream stream = opener.apply(cancellation)) {
                open.set(stream);
                if (result.isCancelled()) {
                    return;
                }
                for (ChatStreamEvent event : stream) {
                    if (result.isDone()) {
                        return;
                    }
                    onEvent.accept(event);
                }
                result.complete(stream.collect());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }
}
