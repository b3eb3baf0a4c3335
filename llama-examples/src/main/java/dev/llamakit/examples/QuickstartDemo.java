package dev.llamakit.examples;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.Model;
import dev.llamakit.moderation.ModerationRequest;
import dev.llamakit.moderation.ModerationResponse;
import dev.llamakit.client.error.RateLimitException;
import dev.llamakit.client.RequestOptions;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.ToolCallSpec;
import dev.llamakit.tools.Tool;
import dev.llamakit.tools.ToolRunResult;
import dev.llamakit.tools.ToolRunner;
import java.io.PrintStream;
import java.util.Map;

/**
 * A runnable tour of the client. It starts llamakit's local test server on 127.0.0.1 and talks to it, so it
 * needs no API key and no network: every reply below comes from the test server, not from a Llama model.
 */
public final class QuickstartDemo {
    private static final String MODEL = "Llama-3.3-8B-Instruct";

    private QuickstartDemo() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        out.println("llamakit quickstart demo: talking to the LOCAL TEST SERVER (llama-testkit), not to a real model.");
        try (LlamaTestServer server = LlamaTestServer.builder().apiKey("demo-key").start()) {
            out.println("test server listening at " + server.url());

            LlamaClient client = LlamaClient.builder().baseUrl(server.baseUrl()).apiKey("demo-key").build();
            out.println("\n[native Llama API, " + client.baseUrl() + "]");
            out.print("models:");
            for (Model m : client.models()) {
                out.print(" " + m.id());
            }
            out.println();

            server.enqueue(ScriptedReply.text("The capital of France is Paris.").withUsage(31, 8));
            ChatResponse reply = client.chat(ChatRequest.builder()
                    .model(MODEL)
                    .addMessage(Message.system("You are a helpful assistant that provides concise answers."))
                    .addMessage(Message.user("What is the capital of France?"))
                    .maxCompletionTokens(256)
                    .build());
            out.println("chat: " + reply.text() + "  [stop=" + reply.stopReason() + ", usage=" + reply.usage().orElseThrow()
                    + ", remaining requests=" + reply.rateLimits().remainingRequests().orElse(-1) + "]");

            server.enqueue(ScriptedReply.status(429).withHeader("retry-after", "0.2"));
            ChatResponse retried = client.chat(ChatRequest.builder().model(MODEL)
                    .addMessage(Message.user("Retry me")).build());
            out.println("after a scripted 429 the client waited 0.2 s and retried: " + retried.text());

            server.enqueue(ScriptedReply.status(429).withHeader("retry-after", "0.1"));
            try {
                client.chat(ChatRequest.builder().model(MODEL).addMessage(Message.user("no retries")).build(),
                        RequestOptions.builder().maxRetries(0).build());
            } catch (RateLimitException e) {
                out.println("with maxRetries(0) the 429 surfaces as " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }

            out.print("stream: ");
            server.enqueue(ScriptedReply.text("Phobos and Deimos are the two moons of Mars."));
            try (ChatStream stream = client.stream(ChatRequest.builder().model(MODEL)
                    .addMessage(Message.user("Name the moons of Mars.")).build())) {
                ChatResponse streamed = stream.onText(fragment -> out.print("[" + fragment + "]"));
                out.println("  -> " + streamed.stopReason() + ", " + streamed.usage().orElseThrow());
            }

            server.enqueue(ScriptedReply.toolCalls(ToolCallSpec.of("call-1", "get_weather", "{\"city\":\"Oslo\"}")));
            server.enqueue(ScriptedReply.text("Yes: light rain and 9 °C in Oslo, take an umbrella."));
            Tool weather = Tool.of("get_weather", "Current weather for a city",
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}",
                    arguments -> Map.of("city", arguments.get("city").asText(), "sky", "light rain", "celsius", 9));
            ToolRunResult run = ToolRunner.builder(client).tool(weather).build()
                    .run(ChatRequest.builder().model(MODEL).addMessage(Message.user("Do I need an umbrella in Oslo?")).build());
            out.println("tool loop: " + run.invocations().get(0).toolName() + run.invocations().get(0).arguments() + " -> "
                    + run.invocations().get(0).result() + "; answer: " + run.text());

            ModerationResponse verdict = client.moderate(ModerationRequest.ofText("How do I kill a process on Linux?"));
            out.println("moderation: flagged=" + verdict.flagged() + " categories=" + verdict.results().get(0).categories()
                    + " (the test server's keyword classifier, not Llama Guard)");

            LlamaClient compat = client.newBuilder().dialect(Dialect.OPENAI).baseUrl(server.compatBaseUrl()).build();
            out.println("\n[OpenAI-compatible dialect, " + compat.baseUrl() + "]");
            ChatResponse openAi = compat.chat(ChatRequest.builder().model(MODEL)
                    .addMessage(Message.user("Name one moon of Mars.")).build());
            out.println("chat: " + openAi.text() + "  [stop=" + openAi.stopReason() + ", model=" + openAi.model().orElse("?")
                    + ", usage=" + openAi.usage().orElseThrow() + "]");
            out.println("\n" + server.requestCount() + " requests served. Point LlamaClient at a real server with "
                    + "LLAMA_API_KEY / LLAMA_BASE_URL.");
        }
    }
}
