package dev.llamakit.internal.wire;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.RateLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds stream events into the {@link ChatResponse} a non-streaming call would have returned: text joined,
 * tool-call fragments joined by index, stop reason, usage. Internal.
 */
public final class StreamAccumulator {
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, PendingCall> calls = new TreeMap<>();
    private String id;
    private String model;
    private StopReason stopReason;
    private Usage usage;
    private Map<String, Double> metrics = Map.of();

    /** Takes one event into account. */
    public void accept(ChatStreamEvent event) {
        if (event instanceof ChatStreamEvent.TextDelta d) {
            text.append(d.text());
        } else if (event instanceof ChatStreamEvent.ToolCallDelta t) {
            PendingCall call = calls.computeIfAbsent(t.index(), i -> new PendingCall());
            if (t.id() != null && call.id == null) {
                call.id = t.id();
            }
            if (t.name() != null && call.name == null) {
                call.name = t.name();
            }
            call.arguments.append(t.arguments());
        } else if (event instanceof ChatStreamEvent.Complete c) {
            stopReason = c.stopReason();
        } else if (event instanceof ChatStreamEvent.Metrics m) {
            if (m.usage() != null) {
                usage = m.usage();
            }
            metrics = m.metrics();
        } else if (event instanceof ChatStreamEvent.Start s) {
            id = s.id();
            model = s.model();
        }
    }

    /** The text received so far. */
    public String text() {
        return text.toString();
    }

    /** The response so far; stop reason {@link StopReason#OTHER} when the stream did not complete. */
    public ChatResponse toResponse(String requestId, RateLimits rateLimits) {
        List<ToolCall> toolCalls = new ArrayList<>(calls.size());
        for (PendingCall c : calls.values()) {
            toolCalls.add(new ToolCall(c.id == null ? "" : c.id, c.name == null ? "" : c.name, c.arguments.toString()));
        }
        StopReason reason = stopReason == null ? StopReason.OTHER : stopReason;
        return ChatResponse.builder()
                .id(id)
                .model(model)
                .message(new AssistantMessage(text.toString(), toolCalls, reason))
                .stopReason(reason)
                .usage(usage)
                .metrics(metrics)
                .requestId(requestId)
                .rateLimits(rateLimits)
                .build();
    }

    private static final class PendingCall {
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();
    }
}
