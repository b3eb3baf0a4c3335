package dev.llamakit.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The two pre-rendered event streams every contender reads, byte for byte the same on every request. Each has
 * {@link #EVENTS} JSON events, in the shapes the test server ({@code llama-testkit}) and real servers send:
 *
 * <ul>
 *   <li>native ({@code /v1}): {@code start}, {@value #TEXT_DELTAS} × {@code progress} with a text delta,
 *       {@code complete}, {@code metrics}; no {@code [DONE]}.</li>
 *   <li>OpenAI ({@code /compat/v1}): a role chunk, {@value #TEXT_DELTAS} × {@code chat.completion.chunk} with
 *       {@code choices[0].delta.content}, a {@code finish_reason} chunk, a usage chunk, then {@code data: [DONE]}.</li>
 * </ul>
 */
final class StreamBodies {
    /** JSON events per stream: the unit the per-event figures are divided by. */
    static final int EVENTS = 10_000;
    /** Text deltas per stream (the other three events are the framing: start, end, usage). */
    static final int TEXT_DELTAS = EVENTS - 3;
    /** The text of every delta. */
    static final String TOKEN = "tok ";

    private StreamBodies() {
    }

    /** The native Llama API stream. */
    static byte[] nativeStream() {
        StringBuilder sb = new StringBuilder(EVENTS * 96);
        data(sb, "{\"id\":\"c1\",\"event\":{\"event_type\":\"start\",\"delta\":{\"type\":\"text\",\"text\":\"\"}}}");
        String progress = "{\"id\":\"c1\",\"event\":{\"event_type\":\"progress\",\"delta\":{\"type\":\"text\",\"text\":\""
                + TOKEN + "\"}}}";
        for (int i = 0; i < TEXT_DELTAS; i++) {
            data(sb, progress);
        }
        data(sb, "{\"id\":\"c1\",\"event\":{\"event_type\":\"complete\",\"delta\":{\"type\":\"text\",\"text\":\"\"},"
                + "\"stop_reason\":\"stop\"}}");
        data(sb, "{\"id\":\"c1\",\"event\":{\"event_type\":\"metrics\",\"delta\":{\"type\":\"text\",\"text\":\"\"},"
                + "\"metrics\":[{\"metric\":\"num_completion_tokens\",\"value\":" + TEXT_DELTAS + ",\"unit\":\"tokens\"},"
                + "{\"metric\":\"num_prompt_tokens\",\"value\":12,\"unit\":\"tokens\"},"
                + "{\"metric\":\"num_total_tokens\",\"value\":" + (TEXT_DELTAS + 12) + ",\"unit\":\"tokens\"}]}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The OpenAI chat-completions stream. */
    static byte[] openAiStream() {
        StringBuilder sb = new StringBuilder(EVENTS * 180);
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764028800,"
                + "\"model\":\"Llama-3.3-8B-Instruct\",";
        data(sb, head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
        String content = head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + TOKEN + "\"},\"finish_reason\":null}]}";
        for (int i = 0; i < TEXT_DELTAS; i++) {
            data(sb, content);
        }
        data(sb, head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        data(sb, head + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + TEXT_DELTAS
                + ",\"total_tokens\":" + (TEXT_DELTAS + 12) + "}}");
        sb.append("data: [DONE]\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void data(StringBuilder sb, String json) {
        sb.append("data: ").append(json).append("\n\n");
    }

    /**
     * A complete HTTP/1.1 200 response: headers, then {@code body} in chunked transfer encoding, cut into chunks of
     * {@code chunkSize} bytes (as a server writing through a large buffer does), then the last chunk.
     */
    /** The answer of the non-streaming replies. */
    static final String ANSWER = "Phobos is the larger of the two moons of Mars.";

    /** A non-streaming native reply: one short answer with its metrics, as the Llama API sends it. */
    static byte[] nativeCompletion() {
        return ("{\"id\":\"chatcmpl-bench\",\"completion_message\":{\"role\":\"assistant\",\"content\":"
                + "{\"type\":\"text\",\"text\":\"Phobos is the larger of the two moons of Mars.\"},\"stop_reason\":\"stop\","
                + "\"tool_calls\":[]},\"metrics\":[{\"metric\":\"num_completion_tokens\",\"value\":12,\"unit\":\"tokens\"},"
                + "{\"metric\":\"num_prompt_tokens\",\"value\":21,\"unit\":\"tokens\"},"
                + "{\"metric\":\"num_total_tokens\",\"value\":33,\"unit\":\"tokens\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** A non-streaming OpenAI reply: one short answer with its usage, as vLLM sends it. */
    static byte[] openAiCompletion() {
        return ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1733480000,\"model\":\""
                + "Llama-3.3-8B-Instruct\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Phobos is the larger of the two moons of Mars.\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":12,\"total_tokens\":33}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] httpResponse(byte[] body, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / chunkSize * 16 + 256);
        ascii(out, "HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/event-stream\r\n"
                + "Cache-Control: no-cache\r\n"
                + "x-request-id: req_bench\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "\r\n");
        for (int off = 0; off < body.length; off += chunkSize) {
            int n = Math.min(chunkSize, body.length - off);
            ascii(out, Integer.toHexString(n) + "\r\n");
            out.write(body, off, n);
            ascii(out, "\r\n");
        }
        ascii(out, "0\r\n\r\n");
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
