package dev.llamakit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads tool calls from a reply in the format Llama 3.1+ Instruct models are trained on: the whole reply is one JSON
 * object {@code {"name": ..., "parameters": {...}}} (or {@code "arguments"}), optionally after
 * {@code <|python_tag|>}, several separated by {@code ;}; and llama.cpp's generic format for other tool-aware
 * templates ({@code {"tool_call": {...}}} or {@code {"tool_calls": [...]}}). Anything else is plain text.
 */
final class ToolCallParser {
    private static final ObjectMapper JSON = LocalJson.MAPPER;

    private ToolCallParser() {
    }

    /**
     * The answer in a reply in llama.cpp's generic format, {@code {"response": "..."}}, which llama.cpp asks for when
     * the template takes tools but is not one it knows; empty for any other reply.
     */
    static Optional<String> genericResponse(String reply) {
        String text = reply.strip();
        if (!text.startsWith("{") || !text.contains("\"response\"")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.size() == 1 && node.path("response").isTextual()
                    ? Optional.of(node.get("response").asText()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The calls in {@code reply} of tools in {@code tools}; empty when the reply is not (only) tool calls. */
    static List<ToolCall> parse(String reply, List<ToolDefinition> tools) {
        String text = reply.strip();
        if (text.startsWith("<|python_tag|>")) {
            text = text.substring("<|python_tag|>".length()).strip();
        }
        if (text.endsWith("<|eom_id|>")) {
            text = text.substring(0, text.length() - "<|eom_id|>".length()).strip();
        }
        if (!text.startsWith("{")) {
            return List.of();
        }
        Set<String> names = tools.stream().map(ToolDefinition::name).collect(Collectors.toSet());
        List<JsonNode> nodes = new ArrayList<>();
        for (String part : text.split(";(?=\\s*\\{)")) {
            try {
                nodes.add(JSON.readTree(part));
            } catch (Exception e) {
                return List.of();
            }
        }
        if (nodes.size() == 1 && nodes.get(0) != null && nodes.get(0).has("tool_call")) { // llama.cpp's generic format
            nodes = List.of(nodes.get(0).get("tool_call"));
        } else if (nodes.size() == 1 && nodes.get(0) != null && nodes.get(0).path("tool_calls").isArray()) {
            List<JsonNode> list = new ArrayList<>();
            nodes.get(0).get("tool_calls").forEach(list::add);
            nodes = list;
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode node : nodes) {
            JsonNode name = node == null ? null : node.get("name");
            JsonNode args = node == null ? null : node.has("parameters") ? node.get("parameters") : node.get("arguments");
            if (name == null || !name.isTextual() || !names.contains(name.asText()) || args == null) {
                return List.of();
            }
            String arguments = args.isTextual() ? args.asText() : args.toString();
            calls.add(new ToolCall("call_" + calls.size(), name.asText(), arguments));
        }
        return calls;
    }
}
