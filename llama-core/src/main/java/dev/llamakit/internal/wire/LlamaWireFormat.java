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
import dev.llamakit.moderation.ModerationResult;
import dev.llamakit.internal.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The native Llama API format ({@code completion_message}, {@code metrics}). Internal. */
final class LlamaWireFormat extends WireFormat {
    static final LlamaWireFormat INSTANCE = new LlamaWireFormat();
    private static final String HINT = " (is this an OpenAI-compatible server? then use Dialect.OPENAI)";

    private LlamaWireFormat() {
    }

    @Override
    protected String maxTokensField() {
        return "max_completion_tokens";
    }

    @Override
    protected ObjectNode encodeAssistant(AssistantMessage a) {
        ObjectNode node = roleNode(a);
        node.put("content", a.text());
        if (a.stopReason() != null && a.stopReason() != StopReason.OTHER && a.stopReason() != StopReason.CONTENT_FILTER) {
            node.put("stop_reason", a.stopReason().wireName());
        }
        if (a.hasToolCalls()) {
            ArrayNode calls = node.putArray("tool_calls");
            a.toolCalls().forEach(c -> calls.add(encodeToolCall(c, false)));
        }
        return node;
    }

    @Override
    public ChatResponse decodeChat(JsonNode body, ChatResponse.Builder meta) {
        JsonNode completion = require(body, "completion_message", HINT);
        List<ToolCall> calls = decodeToolCalls(completion.get("tool_calls"));
        String stop = Json.text(completion, "stop_reason");
        StopReason reason = stop != null ? StopReason.fromWire(stop) : calls.isEmpty() ? StopReason.STOP : StopReason.TOOL_CALLS;
        Map<String, Double> metrics = decodeMetrics(body.get("metrics"));
        return meta.id(Json.text(body, "id"))
                .message(new AssistantMessage(contentText(completion.get("content")), calls, reason))
                .stopReason(reason)
                .metrics(metrics)
                .usage(usage(metrics))
                .build();
    }

    static Map<String, Double> decodeMetrics(JsonNode metrics) {
        Map<String, Double> result = new LinkedHashMap<>();
        if (metrics == null || !metrics.isArray()) {
            return result;
        }
        for (JsonNode m : metrics) {
            String name = Json.text(m, "metric");
            JsonNode value = m.get("value");
            if (name != null && value != null && value.isNumber()) {
                result.put(name, value.asDouble());
            }
        }
        return result;
    }

    static Usage usage(Map<String, Double> metrics) {
        Double prompt = metrics.get("num_prompt_tokens");
        Double completion = metrics.get("num_completion_tokens");
        Double total = metrics.get("num_total_tokens");
        if (prompt == null && completion == null && total == null) {
            return null;
        }
        long p = prompt == null ? 0 : Math.round(prompt);
        long c = completion == null ? 0 : Math.round(completion);
        long t = total == null ? p + c : Math.round(total);
        return new Usage(p, c, t);
    }

    @Override
    public ObjectNode encodeModeration(ModerationRequest request) {
        ObjectNode body = Json.object();
        ArrayNode messages = body.putArray("messages");
        request.messages().forEach(m -> messages.add(encodeMessage(m)));
        request.model().ifPresent(m -> body.put("model", m));
        return body;
    }

    @Override
    public ModerationResponse decodeModeration(JsonNode body) {
        JsonNode results = require(body, "results", "");
        List<ModerationResult> out = new ArrayList<>();
        for (JsonNode r : results) {
            List<String> categories = new ArrayList<>();
            JsonNode cats = r.get("flagged_categories");
            if (cats != null && cats.isArray()) {
                cats.forEach(c -> categories.add(c.asText()));
            }
            out.add(new ModerationResult(r.path("flagged").asBoolean(false), categories));
        }
        String model = Json.text(body, "model");
        return new ModerationResponse(model == null ? "" : model, out);
    }
}
