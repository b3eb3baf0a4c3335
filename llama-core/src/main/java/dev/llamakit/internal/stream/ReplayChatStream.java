package dev.llamakit.internal.stream;

import dev.llamakit.chat.ToolCall;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.RateLimits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** A complete reply presented as a stream, for chat models that cannot stream. Internal. */
public final class ReplayChatStream implements ChatStream {
    private final ChatResponse response;
    private boolean iterated;

    public ReplayChatStream(ChatResponse response) {
        this.response = response;
    }

    @Override
    public Iterator<ChatStreamEvent> iterator() {
        if (iterated) {
            throw new IllegalStateException("a ChatStream can be iterated only once");
        }
        iterated = true;
        List<ChatStreamEvent> events = new ArrayList<>();
        events.add(new ChatStreamEvent.Start(response.id().orElse(null), response.model().orElse(null)));
        if (!response.text().isEmpty()) {
            events.add(new ChatStreamEvent.TextDelta(response.text()));
        }
        List<ToolCall> calls = response.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            events.add(new ChatStreamEvent.ToolCallDelta(i, c.id(), c.name(), c.arguments()));
        }
        events.add(new ChatStreamEvent.Complete(response.stopReason()));
        if (response.usage().isPresent() || !response.metrics().isEmpty()) {
            events.add(new ChatStreamEvent.Metrics(response.usage().orElse(null), response.metrics()));
        }
        return events.iterator();
    }

    @Override
    public ChatResponse collect() {
        iterated = true;
        return response;
    }

    @Override
    public Optional<String> requestId() {
        return response.requestId();
    }

    @Override
    public RateLimits rateLimits() {
        return response.rateLimits();
    }

    @Override
    public void close() {
        // nothing to free
    }
}
