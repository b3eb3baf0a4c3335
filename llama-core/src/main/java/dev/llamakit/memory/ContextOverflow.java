package dev.llamakit.memory;

import dev.llamakit.client.error.LlamaApiException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's "the prompt does not fit the model's context" rejection, read from its message: the context limit and
 * the prompt tokens it counted (and the completion tokens, when it says them). Knows the wordings of vLLM, the
 * OpenAI API and the llama.cpp server (message and {@code n_prompt_tokens}/{@code n_ctx} fields). Internal to
 * {@link Conversation}.
 *
 * @param limit the model's context length, in tokens
 * @param promptTokens the tokens the server counted for the request's input (messages and tool definitions)
 * @param completionTokens the tokens it set aside for the completion, when it said so
 */
record ContextOverflow(long limit, long promptTokens, OptionalLong completionTokens) {
    private static final int F = Pattern.CASE_INSENSITIVE;
    // vLLM and OpenAI: "This model's maximum context length is 8192 tokens. However, you requested 9064 tokens
    // (9000 in the messages, 64 in the completion). Please reduce the length of the messages or completion."
    private static final Pattern REQUESTED_WITH_COMPLETION = Pattern.compile(
            "maximum context length is (\\d+) tokens\\. However, you requested \\d+ tokens \\((\\d+) in the messages, (\\d+) in the completion\\)", F);
    // vLLM: "... However, you requested 32818 tokens in the messages, Please reduce the length of the messages."
    private static final Pattern REQUESTED_IN_MESSAGES = Pattern.compile(
            "maximum context length is (\\d+) tokens\\. However, you requested (\\d+) tokens in the messages", F);
    // OpenAI: "... However, your messages resulted in 8265 tokens (7873 in the messages, 392 in the functions)."
    private static final Pattern RESULTED_IN = Pattern.compile(
            "maximum context length is (\\d+) tokens\\. However, your messages resulted in (\\d+) tokens", F);
    // vLLM (newer): "... However, your request has 4176 input tokens. Please reduce the length of the input messages."
    private static final Pattern REQUEST_HAS = Pattern.compile(
            "maximum context length is (\\d+) tokens\\. However, your request has (\\d+) input tokens", F);
    // vLLM: "'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is
    // 4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778)."
    private static final Pattern MAX_TOKENS_TOO_LARGE = Pattern.compile(
            "is too large: (\\d+)\\. This model's maximum context length is (\\d+) tokens and your request has (\\d+) input tokens", F);
    // vLLM renderer: "Input length (196905) exceeds model's maximum context length (196608)."
    private static final Pattern INPUT_LENGTH = Pattern.compile(
            "Input length \\((\\d+)\\) exceeds model's maximum context length \\((\\d+)\\)", F);
    // llama.cpp: "request (4476 tokens) exceeds the available context size (4096 tokens), try increasing it"
    // and the older "input (5000 tokens) is larger than the max context size (4096 tokens). skipping"
    private static final Pattern LLAMA_CPP = Pattern.compile(
            "(?:request|input) \\((\\d+) tokens\\) (?:exceeds the available context size|is larger than the max context size) \\((\\d+) tokens\\)", F);
    // llama.cpp error body: "type":"exceed_context_size_error","n_prompt_tokens":4476,"n_ctx":4096
    private static final Pattern N_PROMPT = Pattern.compile("\"n_prompt_tokens\"\\s*:\\s*(\\d+)");
    private static final Pattern N_CTX = Pattern.compile("\"n_ctx\"\\s*:\\s*(\\d+)");

    /** The overflow {@code e} reports, if it is one whose numbers can be read. */
    static Optional<ContextOverflow> of(Throwable e) {
        if (!(e instanceof LlamaApiException api) || api.status() < 400 || api.status() >= 500) {
            return Optional.empty();
        }
        return parse(api.serverMessage() == null ? "" : api.serverMessage(), api.body());
    }

    /** Reads a server's message (and error body); empty when it is not a context overflow with numbers. */
    static Optional<ContextOverflow> parse(String message, String body) {
        String text = message + "\n" + (body == null ? "" : body);
        Matcher m;
        if ((m = REQUESTED_WITH_COMPLETION.matcher(text)).find()) {
            return of(m.group(1), m.group(2), m.group(3));
        }
        if ((m = MAX_TOKENS_TOO_LARGE.matcher(text)).find()) {
            return of(m.group(2), m.group(3), m.group(1));
        }
        if ((m = REQUESTED_IN_MESSAGES.matcher(text)).find() || (m = RESULTED_IN.matcher(text)).find()
                || (m = REQUEST_HAS.matcher(text)).find()) {
            return of(m.group(1), m.group(2), null);
        }
        if ((m = INPUT_LENGTH.matcher(text)).find()) {
            return of(m.group(2), m.group(1), null);
        }
        if ((m = LLAMA_CPP.matcher(text)).find()) {
            return of(m.group(2), m.group(1), null);
        }
        Matcher prompt = N_PROMPT.matcher(text);
        Matcher ctx = N_CTX.matcher(text);
        if (prompt.find() && ctx.find()) {
            return of(ctx.group(1), prompt.group(1), null);
        }
        return Optional.empty();
    }

    private static Optional<ContextOverflow> of(String limit, String prompt, String completion) {
        try {
            long l = Long.parseLong(limit);
            long p = Long.parseLong(prompt);
            if (l <= 0 || p <= 0) {
                return Optional.empty();
            }
            return Optional.of(new ContextOverflow(l, p,
                    completion == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(completion))));
        } catch (NumberFormatException tooLong) {
            return Optional.empty();
        }
    }
}
