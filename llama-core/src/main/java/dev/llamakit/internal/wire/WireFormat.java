package dev.llamakit.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ContentPart;
import dev.llamakit.chat.ImagePart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.TextPart;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolChoice;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.Model;
import dev.llamakit.moderation.ModerationRequest;
import dev.llamakit.moderation.ModerationResponse;
import dev.llamakit.internal.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps requests and responses between the Java model and one dialect's JSON. What both dialects share
 * (sampling parameters, tools, tool choice, response format, content parts, models) lives here; each
 * subclass maps what differs. Internal.
 */
public abstract class WireFormat {

    /** The wire format of a dialect. */
    public static WireFormat of(Dialect dialect) {
        return dialect == Dialect.LLAMA ? LlamaWireFormat.INSTANCE : OpenAiWireFormat.INSTANCE;
    }

    /** The request body of a chat completion (without {@code stream}). */
    public final ObjectNode encodeChat(ChatRequest request) {
        ObjectNode body = Json.object();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        request.messages().forEach(m -> messages.add(encodeMessage(m)));
        request.maxCompletionTokens().ifPresent(n -> body.put(maxTokensField(), n));
        request.temperature().ifPresent(v -> body.put("temperature", v));
        request.topP().ifPresent(v -> body.put("top_p", v));
        request.topK().ifPresent(v -> body.put("top_k", v));
        request.repetitionPenalty().ifPresent(v -> body.put("repetition_penalty", v));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(t -> tools.add(encodeTool(t)));
        }
        request.toolChoice().ifPresent(c -> body.set("tool_choice", encodeToolChoice(c)));
        request.responseFormat().ifPresent(f -> body.set("response_format", encodeResponseFormat(f)));
        request.user().ifPresent(u -> body.put("user", u));
        for (Map.Entry<String, Object> e : request.extraBody().entrySet()) {
            body.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
        }
        return body;
    }

    /**
     * The request body of a streamed chat completion: {@code stream: true}, plus, when {@code includeUsage}, what
     * the dialect needs to report usage at the end.
     */
    public final ObjectNode encodeStreamingChat(ChatRequest request, boolean includeUsage) {
        ObjectNode body = encodeChat(request);
        body.put("stream", true);
        if (includeUsage) {
            addStreamOptions(body);
        }
        return body;
    }

    /** Adds dialect-specific stream settings; none by default. */
    protected void addStreamOptions(ObjectNode body) {
    }

    /** Reads a chat completion body. {@code meta} supplies what comes from headers. */
    public abstract ChatResponse decodeChat(JsonNode body, ChatResponse.Builder meta);

    /** The request body of a moderation call. */
    public abstract ObjectNode encodeModeration(ModerationRequest request);

    /** Reads a moderation response. */
    public abstract ModerationResponse decodeModeration(JsonNode body);

    /** The name of the "most tokens to generate" field. */
    protected abstract String maxTokensField();

    /** One message in this dialect: system, user and tool messages look the same in both. */
    protected final ObjectNode encodeMessage(Message message) {
        if (message instanceof SystemMessage s) {
            return encodeSystem(s);
        }
        if (message instanceof UserMessage u) {
            return encodeUser(u);
        }
        if (message instanceof ToolMessage t) {
            return encodeTool(t);
        }
        return encodeAssistant((AssistantMessage) message);
    }

    /** An assistant message, which differs between the dialects. */
    protected abstract ObjectNode encodeAssistant(AssistantMessage message);

    /** {@code GET /models}: {@code {"data": [Model...]}} in both dialects. */
    public final List<Model> decodeModels(JsonNode body) {
        JsonNode data = body.get("data");
        if (data == null || !data.isArray()) {
            throw new WireException("models response has no 'data' array");
        }
        List<Model> models = new ArrayList<>();
        data.forEach(m -> models.add(decodeModel(m)));
        return models;
    }

    /** {@code GET /models/{id}}: a bare model. */
    public final Model decodeModel(JsonNode node) {
        String id = Json.text(node, "id");
        if (id == null) {
            throw new WireException("model object has no 'id'");
        }
        String owner = Json.text(node, "owned_by");
        JsonNode created = node.get("created");
        return new Model(id, owner == null ? "" : owner, created != null && created.isNumber() ? created.asLong() : 0L);
    }

    // ---- shared pieces -------------------------------------------------------------------

    protected static ObjectNode roleNode(Message m) {
        ObjectNode node = Json.object();
        node.put("role", m.role().wireName());
        return node;
    }

    private static ObjectNode encodeSystem(SystemMessage m) {
        ObjectNode node = roleNode(m);
        node.put("content", m.text());
        return node;
    }

    /** A user message: a plain string when it is one text part, else an array of parts. */
    private static ObjectNode encodeUser(UserMessage m) {
        ObjectNode node = roleNode(m);
        if (m.parts().size() == 1 && m.parts().get(0) instanceof TextPart t) {
            node.put("content", t.text());
        } else {
            ArrayNode parts = node.putArray("content");
            m.parts().forEach(p -> parts.add(encodePart(p)));
        }
        return node;
    }

    private static ObjectNode encodeTool(ToolMessage m) {
        ObjectNode node = roleNode(m);
        node.put("tool_call_id", m.toolCallId());
        node.put("content", m.text());
        return node;
    }

    private static ObjectNode encodePart(ContentPart part) {
        ObjectNode node = Json.object();
        if (part instanceof TextPart t) {
            node.put("type", "text");
            node.put("text", t.text());
        } else if (part instanceof ImagePart i) {
            node.put("type", "image_url");
            node.putObject("image_url").put("url", i.url());
        }
        return node;
    }

    /** A tool call; the native format has no {@code type} field, OpenAI's does. */
    protected static ObjectNode encodeToolCall(ToolCall call, boolean withType) {
        ObjectNode node = Json.object();
        node.put("id", call.id());
        if (withType) {
            node.put("type", "function");
        }
        ObjectNode fn = node.putObject("function");
        fn.put("name", call.name());
        fn.put("arguments", call.arguments());
        return node;
    }

    private static ObjectNode encodeTool(ToolDefinition tool) {
        ObjectNode node = Json.object();
        node.put("type", "function");
        ObjectNode fn = node.putObject("function");
        fn.put("name", tool.name());
        tool.description().ifPresent(d -> fn.put("description", d));
        tool.parametersSchema().ifPresent(s -> fn.set("parameters", Json.parseTrusted(s)));
        tool.strict().ifPresent(s -> fn.put("strict", s));
        return node;
    }

    private static JsonNode encodeToolChoice(ToolChoice choice) {
        if (choice.functionName().isEmpty()) {
            return Json.MAPPER.getNodeFactory().textNode(choice.mode());
        }
        ObjectNode node = Json.object();
        node.put("type", "function");
        node.putObject("function").put("name", choice.functionName().get());
        return node;
    }

    private static ObjectNode encodeResponseFormat(ResponseFormat format) {
        ObjectNode node = Json.object();
        node.put("type", format.type());
        if (format.schema().isPresent()) {
            ObjectNode schema = node.putObject("json_schema");
            schema.put("name", format.name().orElseThrow());
            schema.set("schema", Json.parseTrusted(format.schema().get()));
            format.strict().ifPresent(s -> schema.put("strict", s));
        }
        return node;
    }

    /** Text of a content value: a string, a {@code {type:text,text}} object, an array of such, or null. */
    protected static String contentText(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isObject()) {
            String text = Json.text(content, "text");
            return text == null ? "" : text;
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            content.forEach(part -> sb.append(contentText(part)));
            return sb.toString();
        }
        throw new WireException("message content is neither a string, an object nor an array: " + content.getNodeType());
    }

    /** Tool calls from {@code [{id, function: {name, arguments}}]}; {@code arguments} kept verbatim. */
    protected static List<ToolCall> decodeToolCalls(JsonNode calls) {
        List<ToolCall> result = new ArrayList<>();
        if (calls == null || calls.isNull()) {
            return result;
        }
        if (!calls.isArray()) {
            throw new WireException("'tool_calls' is not an array");
        }
        for (JsonNode call : calls) {
            JsonNode fn = call.get("function");
            String name = Json.text(fn, "name");
            if (name == null) {
                throw new WireException("tool call without a function name: " + call);
            }
            String id = Json.text(call, "id");
            JsonNode args = fn.get("arguments");
            String arguments = args == null || args.isNull() ? "" : args.isTextual() ? args.asText() : args.toString();
            result.add(new ToolCall(id == null ? "" : id, name, arguments));
        }
        return result;
    }

    protected static JsonNode require(JsonNode parent, String field, String hint) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            throw new WireException("response has no '" + field + "'" + hint);
        }
        return node;
    }
}
