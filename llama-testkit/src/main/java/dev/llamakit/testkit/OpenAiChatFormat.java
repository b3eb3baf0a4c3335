package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;

/**
 * Renders a {@link ChatReply} in the OpenAI format: a {@code chat.completion} with one choice and
 * {@code usage}, or a stream of {@code chat.completion.chunk} objects (role first, then content or
 * tool-call deltas, then the {@code finish_reason}, then a usage chunk when
 * {@code stream_options.include_usage} is true) ended by {@code data: [DONE]}.
 */
final class OpenAiChatFormat {

    private OpenAiChatFormat() {
    }

    static ObjectNode response(ChatReply reply) {
        ObjectNode root = header(reply, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (reply.toolCalls().isEmpty()) {
            message.put("content", reply.text());
        } else {
            message.putNull("content");
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCallSpec call : reply.toolCalls()) {
                ObjectNode node = calls.addObject();
                node.put("id", call.id());
                node.put("type", "function");
                ObjectNode function = node.putObject("function");
                function.put("name", call.name());
                function.put("arguments", call.argumentsJson());
            }
        }
        choice.put("finish_reason", reply.finishReason());
        root.set("usage", usage(reply));
        return root;
    }

    static void stream(ChatReply reply, boolean includeUsage, SseWriter sse) throws IOException {
        ObjectNode roleDelta = Json.object();
        roleDelta.put("role", "assistant");
        if (reply.toolCalls().isEmpty()) {
            roleDelta.put("content", "");
        } else {
            roleDelta.putNull("content");
        }
        sse.data(chunk(reply, includeUsage, roleDelta, null));
        for (String word : StreamChunks.words(reply.text())) {
            ObjectNode delta = Json.object();
            delta.put("content", word);
            sse.data(chunk(reply, includeUsage, delta, null));
        }
        List<ToolCallSpec> calls = reply.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCallSpec call = calls.get(i);
            ObjectNode first = Json.object();
            ObjectNode firstCall = first.putArray("tool_calls").addObject();
            firstCall.put("index", i);
            firstCall.put("id", call.id());
            firstCall.put("type", "function");
            ObjectNode function = firstCall.putObject("function");
            function.put("name", call.name());
            function.put("arguments", "");
            sse.data(chunk(reply, includeUsage, first, null));
            for (String piece : StreamChunks.argumentPieces(call.argumentsJson())) {
                ObjectNode delta = Json.object();
                ObjectNode fragment = delta.putArray("tool_calls").addObject();
                fragment.put("index", i);
                fragment.putObject("function").put("arguments", piece);
                sse.data(chunk(reply, includeUsage, delta, null));
            }
        }
        sse.data(chunk(reply, includeUsage, Json.object(), reply.finishReason()));
        if (includeUsage) {
            ObjectNode usageChunk = header(reply, "chat.completion.chunk");
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage(reply));
            sse.data(usageChunk);
        }
        sse.raw("data: [DONE]\n\n");
    }

    private static ObjectNode chunk(ChatReply reply, boolean includeUsage, ObjectNode delta, String finishReason) {
        ObjectNode chunk = header(reply, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode header(ChatReply reply, String object) {
        ObjectNode root = Json.object();
        root.put("id", reply.id());
        root.put("object", object);
        root.put("created", reply.created());
        root.put("model", reply.model());
        return root;
    }

    private static ObjectNode usage(ChatReply reply) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", reply.promptTokens());
        usage.put("completion_tokens", reply.completionTokens());
        usage.put("total_tokens", reply.totalTokens());
        return usage;
    }
}
