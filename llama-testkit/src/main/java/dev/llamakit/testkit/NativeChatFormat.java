package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * Renders a {@link ChatReply} in the native Llama format: a {@code completion_message} with
 * {@code metrics} (completion, prompt, total; unit {@code tokens}), or a stream of
 * {@code start}, {@code progress}…, {@code complete}, {@code metrics} events without {@code [DONE]}.
 */
final class NativeChatFormat {

    private NativeChatFormat() {
    }

    static ObjectNode response(ChatReply reply) {
        ObjectNode root = Json.object();
        root.put("id", reply.id());
        ObjectNode message = root.putObject("completion_message");
        message.put("role", "assistant");
        message.set("content", textContent(reply.text()));
        message.put("stop_reason", reply.stopReason());
        ArrayNode calls = message.putArray("tool_calls");
        for (ToolCallSpec call : reply.toolCalls()) {
            ObjectNode node = calls.addObject();
            node.put("id", call.id());
            ObjectNode function = node.putObject("function");
            function.put("name", call.name());
            function.put("arguments", call.argumentsJson());
        }
        root.set("metrics", metrics(reply));
        return root;
    }

    static void stream(ChatReply reply, SseWriter sse) throws IOException {
        sse.data(event(reply, "start", textContent("")));
        for (String word : StreamChunks.words(reply.text())) {
            sse.data(event(reply, "progress", textContent(word)));
        }
        for (ToolCallSpec call : reply.toolCalls()) {
            ObjectNode first = Json.object();
            first.put("type", "tool_call");
            first.put("id", call.id());
            ObjectNode function = first.putObject("function");
            function.put("name", call.name());
            function.put("arguments", "");
            sse.data(event(reply, "progress", first));
            for (String piece : StreamChunks.argumentPieces(call.argumentsJson())) {
                ObjectNode fragment = Json.object();
                fragment.put("type", "tool_call");
                fragment.putObject("function").put("arguments", piece);
                sse.data(event(reply, "progress", fragment));
            }
        }
        ObjectNode complete = event(reply, "complete", textContent(""));
        ((ObjectNode) complete.get("event")).put("stop_reason", reply.stopReason());
        sse.data(complete);
        ObjectNode metrics = event(reply, "metrics", textContent(""));
        ((ObjectNode) metrics.get("event")).set("metrics", metrics(reply));
        sse.data(metrics);
    }

    private static ObjectNode event(ChatReply reply, String type, ObjectNode delta) {
        ObjectNode chunk = Json.object();
        chunk.put("id", reply.id());
        ObjectNode event = chunk.putObject("event");
        event.put("event_type", type);
        event.set("delta", delta);
        return chunk;
    }

    private static ObjectNode textContent(String text) {
        ObjectNode content = Json.object();
        content.put("type", "text");
        content.put("text", text);
        return content;
    }

    private static ArrayNode metrics(ChatReply reply) {
        ArrayNode metrics = Json.array();
        metric(metrics, "num_completion_tokens", reply.completionTokens());
        metric(metrics, "num_prompt_tokens", reply.promptTokens());
        metric(metrics, "num_total_tokens", reply.totalTokens());
        return metrics;
    }

    private static void metric(ArrayNode metrics, String name, long value) {
        ObjectNode metric = metrics.addObject();
        metric.put("metric", name);
        metric.put("value", value);
        metric.put("unit", "tokens");
    }
}
