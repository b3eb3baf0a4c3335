package dev.llamakit.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.moderation.ModerationRequest;
import dev.llamakit.moderation.ModerationResponse;
import dev.llamakit.internal.json.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI chat completions format ({@code choices}, {@code usage}), spoken by the Llama API's
 * {@code /compat/v1}, vLLM, Ollama, llama.cpp server and others. Sends {@code max_tokens}, which all of
 * them accept. Internal.
 */
final class OpenAiWireFormat extends WireFormat {
    static final OpenAiWireFormat INSTANCE = new OpenAiWireFormat();
    private static final String HINT = " (is this the native Llama API? then use Dialect.LLAMA)";

    private OpenAiWireFormat() {
    }

    @Override
    protected String maxTokensField() {
        return "max_tokens";
    }

    @Override
    protected ObjectNode encodeAssistant(AssistantMessage a) {
        ObjectNode node = roleNode(a);
        if (a.hasToolCalls() && a.text().isEmpty()) {
            node.putNull("content");
        } else {
            node.put("content", a.text());
        }
        if (a.hasToolCalls()) {
            ArrayNode calls = node.putArray("tool_calls");
            a.toolCalls().forEach(c -> calls.add(encodeToolCall(c, true)));
        }
        return node;
    }

    /** Asks for the usage chunk at the end of the stream, so that streamed replies report tokens too. */
    @Override
    protected void addStreamOptions(ObjectNode body) {
        body.putObject("stream_options").put("include_usage", true);
    }

    @Override
    public ChatResponse decodeChat(JsonNode body, ChatResponse.Builder meta) {
        JsonNode choices = require(body, "choices", HINT);
        if (!choices.isArray() || choices.isEmpty()) {
            throw new WireException("response has no choices");
        }
        JsonNode choice = choices.get(0);
        JsonNode message = require(choice, "message", "");
        List<ToolCall> calls = decodeToolCalls(message.get("tool_calls"));
        String finish = Json.text(choice, "finish_reason");
        StopReason reason = finish != null ? StopReason.fromWire(finish) : calls.isEmpty() ? StopReason.STOP : StopReason.TOOL_CALLS;
        Map<String, Double> metrics = decodeUsageFields(body.get("usage"));
        return meta.id(Json.text(body, "id"))
                .model(Json.text(body, "model"))
                .message(new AssistantMessage(contentText(message.get("content")), calls, reason))
                .stopReason(reason)
                .metrics(metrics)
                .usage(usage(metrics))
                .build();
    }

    private static Map<String, Double> decodeUsageFields(JsonNode usage) {
        Map<String, Double> result = new LinkedHashMap<>();
        if (usage == null || !usage.isObject()) {
            return result;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = usage.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isNumber()) {
                result.put(f.getKey(), f.getValue().asDouble());
            }
        }
        return result;
    }

    static Usage usage(Map<String, Double> fields) {
        Double prompt = fields.get("prompt_tokens");
        Double completion = fields.get("completion_tokens");
        if (prompt == null && completion == null) {
            return null;
        }
        long p = prompt == null ? 0 : Math.round(prompt);
        long c = completion == null ? 0 : Math.round(completion);
        Double total = fields.get("total_tokens");
        return new Usage(p, c, total == null ? p + c : Math.round(total));
    }

    /** Never called: the OpenAI-compatible protocol has no moderation endpoint, and the client refuses first. */
    @Override
    public ObjectNode encodeModeration(ModerationRequest request) {
        throw new UnsupportedOperationException("the OpenAI-compatible protocol has no moderation endpoint");
    }

    /** Never called, as {@link #encodeModeration}. */
    @Override
    public ModerationResponse decodeModeration(JsonNode body) {
        throw new UnsupportedOperationException("the OpenAI-compatible protocol has no moderation endpoint");
    }
}
