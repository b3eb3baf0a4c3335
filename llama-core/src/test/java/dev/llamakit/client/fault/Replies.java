package dev.llamakit.client.fault;

import java.util.ArrayList;
import java.util.List;

/**
 * Reply bodies in both dialects, written by hand from {@code shared/reference/llama-api.md} (sections 4, 5 and the
 * OpenAI chunk format), not produced by any llamakit code.
 */
public final class Replies {
    /** The text of a normal reply. */
    public static final String TEXT = "Hello from the fault server";
    /** The fragments a normal stream sends; they join to {@link #TEXT}. */
    public static final List<String> FRAGMENTS = List.of("Hello ", "from ", "the ", "fault ", "server");

    private Replies() {
    }

    /** A complete non-streaming reply. */
    public static String json(FaultServer.Wire wire, String text) {
        String t = quote(text);
        if (wire == FaultServer.Wire.NATIVE) {
            return "{\"id\":\"fault-1\",\"completion_message\":{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":" + t
                    + "},\"stop_reason\":\"stop\",\"tool_calls\":[]},\"metrics\":["
                    + "{\"metric\":\"num_completion_tokens\",\"value\":5,\"unit\":\"tokens\"},"
                    + "{\"metric\":\"num_prompt_tokens\",\"value\":7,\"unit\":\"tokens\"},"
                    + "{\"metric\":\"num_total_tokens\",\"value\":12,\"unit\":\"tokens\"}]}";
        }
        return "{\"id\":\"chatcmpl-fault\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"fault-model\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + t + "},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}";
    }

    /** The SSE events (each {@code data: ...\n\n}) of a stream before its text: the opening event. */
    public static String sseStart(FaultServer.Wire wire) {
        if (wire == FaultServer.Wire.NATIVE) {
            return data("{\"id\":\"fault-1\",\"event\":{\"event_type\":\"start\",\"delta\":{\"type\":\"text\",\"text\":\"\"}}}");
        }
        return data(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
    }

    /** One text fragment. */
    public static String sseText(FaultServer.Wire wire, String text) {
        if (wire == FaultServer.Wire.NATIVE) {
            return data("{\"id\":\"fault-1\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":"
                    + quote(text) + "}}}");
        }
        return data(chunk("{\"content\":" + quote(text) + "}", "null"));
    }

    /** The events that end a stream properly (complete + metrics; finish chunk + usage chunk + [DONE]). */
    public static String sseEnd(FaultServer.Wire wire) {
        if (wire == FaultServer.Wire.NATIVE) {
            return data("{\"id\":\"fault-1\",\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},"
                    + "\"stop_reason\":\"stop\"}}")
                    + data("{\"id\":\"fault-1\",\"event\":{\"event_type\":\"metrics\",\"delta\":{\"type\":\"text\",\"text\":\"\"},"
                    + "\"metrics\":[{\"metric\":\"num_completion_tokens\",\"value\":5,\"unit\":\"tokens\"},"
                    + "{\"metric\":\"num_prompt_tokens\",\"value\":7,\"unit\":\"tokens\"},"
                    + "{\"metric\":\"num_total_tokens\",\"value\":12,\"unit\":\"tokens\"}]}}");
        }
        return data(chunk("{}", "\"stop\""))
                + data("{\"id\":\"chatcmpl-fault\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"fault-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":5,\"total_tokens\":12}}")
                + "data: [DONE]\n\n";
    }

    /** A whole normal stream as a list of SSE pieces (one per event). */
    public static List<String> sseEvents(FaultServer.Wire wire, List<String> fragments) {
        List<String> events = new ArrayList<>();
        events.add(sseStart(wire));
        for (String f : fragments) {
            events.add(sseText(wire, f));
        }
        events.add(sseEnd(wire));
        return events;
    }

    /** An error body in the shape the Llama API and OpenAI servers use. */
    public static String errorJson(int code, String type, String message) {
        return "{\"error\":{\"code\":" + code + ",\"type\":" + quote(type) + ",\"message\":" + quote(message) + "}}";
    }

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-fault\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"fault-model\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}";
    }

    static String data(String json) {
        return "data: " + json + "\n\n";
    }

    /** A JSON string literal (the texts used here need only the basic escapes). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
