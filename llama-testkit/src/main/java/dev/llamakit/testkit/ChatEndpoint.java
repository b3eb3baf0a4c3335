package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** {@code POST {prefix}/chat/completions}: validates, builds the reply (scripted or default) and renders it. */
final class ChatEndpoint {

    private final AtomicLong completionIds = new AtomicLong();

    /** Answers a validated JSON body with {@code scripted} (a chat reply) or, when null, the default reply. */
    void serve(ApiExchange exchange, JsonNode body, ScriptedReply scripted) throws IOException {
        ChatRequest request = ChatRequest.validate(body, exchange.request(), exchange.settings(), exchange.dialect());
        ChatReply reply = reply(request, scripted);
        exchange.rateLimits().consume(reply.totalTokens());
        boolean llama = exchange.dialect() == Dialect.LLAMA;
        if (!request.stream()) {
            exchange.sendJson(200, llama ? NativeChatFormat.response(reply) : OpenAiChatFormat.response(reply));
            return;
        }
        SseWriter.stream(exchange, SseWriter.Flush.EACH_EVENT, SseWriter.End.CLEAN, sse -> {
            if (llama) {
                NativeChatFormat.stream(reply, sse);
            } else {
                OpenAiChatFormat.stream(reply, request.includeUsage(), sse);
            }
        });
    }

    private ChatReply reply(ChatRequest request, ScriptedReply scripted) {
        String text;
        List<ToolCallSpec> toolCalls;
        String stopReason;
        if (scripted == null || scripted.kind() == ScriptedReply.Kind.DEFAULT) {
            DefaultReply.Result result = DefaultReply.of(MessageText.lastUserText(request.messages()),
                    request.maxTokens());
            text = result.text();
            toolCalls = List.of();
            stopReason = result.stopReason();
        } else {
            text = scripted.replyText();
            toolCalls = scripted.calls();
            stopReason = scripted.stopReason();
        }
        long prompt = Tokens.prompt(request.messages());
        long completion = Tokens.completion(text, toolCalls);
        if (scripted != null && scripted.promptTokens() != null) {
            prompt = scripted.promptTokens();
            completion = scripted.completionTokens();
        }
        return new ChatReply("chatcmpl-" + completionIds.incrementAndGet(), request.model(), text, toolCalls,
                stopReason, prompt, completion, Instant.now().getEpochSecond());
    }
}
