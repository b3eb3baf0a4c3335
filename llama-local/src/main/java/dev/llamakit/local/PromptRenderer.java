package dev.llamakit.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.ToolMessage;
import java.util.List;

/** Turns chat messages (and tools) into the OpenAI-style JSON that llama.cpp's chat template engine reads. */
final class PromptRenderer {
    private static final ObjectMapper JSON = LocalJson.MAPPER;

    private PromptRenderer() {
    }

    static String templateInput(List<Message> messages, List<ToolDefinition> tools) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("messages");
        for (Message m : messages) {
            ObjectNode node = array.addObject();
            node.put("role", m.role().wireName());
            node.put("content", m.text() == null ? "" : m.text());
            if (m instanceof ToolMessage t) {
                node.put("tool_call_id", t.toolCallId());
            } else if (m instanceof AssistantMessage a && a.hasToolCalls()) {
                ArrayNode calls = node.putArray("tool_calls");
                for (ToolCall c : a.toolCalls()) {
                    ObjectNode call = calls.addObject();
                    call.put("id", c.id());
                    call.put("type", "function");
                    call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                }
            }
        }
        if (!tools.isEmpty()) {
            ArrayNode array2 = body.putArray("tools");
            for (ToolDefinition t : tools) {
                ObjectNode fn = array2.addObject().put("type", "function").putObject("function");
                fn.put("name", t.name());
                // llama.cpp aborts the process on a tool without description or parameters: always send both
                fn.put("description", t.description().orElse(""));
                fn.set("parameters", ToolCallSchema.parameters(t));
            }
        }
        return body.toString();
    }
}
