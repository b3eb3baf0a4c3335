package dev.llamakit.consumer;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.documents.FolderIndexer;
import dev.llamakit.documents.FolderLoader;
import dev.llamakit.documents.IndexReport;
import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.local.LocalChatModel;
import dev.llamakit.local.LocalModelException;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.ConversationStores;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.rerank.Rerankers;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.tokens.TokenCounter;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.testkit.SyntheticGgufModel;
import dev.llamakit.tokens.TokenCounters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Uses every library module the way an application does and fails (exit status 1, the failed checks listed) when
 * something does not work: the providers found through the registries, a chat and a stream against the test server,
 * structured output into this module's record, a durable conversation, BM25, an in-process embedder and a local model
 * (llama-local on a synthetic GGUF file: the natives come from java-llama.cpp's jar, the automatic module {@code llama}
 * on the module path; the JVM must still exit after {@code close()}). On the module path it also checks that no
 * {@code internal} package of a llamakit module is exported. The argument names the path
 * it runs on ({@code module-path} or {@code class-path}).
 */
public final class Consumer {
    private final List<String> failures = new ArrayList<>();
    private int checks;

    /** What structured output fills. */
    public record Capital(String country, String city) {
    }

    /** What the local model's structured output fills: only bounded values, as random weights ramble. */
    public record Verdict(boolean ok, Level level) {
    }

    /** A component of {@link Verdict}. */
    public enum Level {
        LOW, HIGH
    }

    private Consumer() {
    }

    public static void main(String[] args) throws IOException {
        String path = args.length == 0 ? "class-path" : args[0];
        Consumer c = new Consumer();
        c.run(path);
        if (!c.failures.isEmpty()) {
            System.err.println("llamakit consumer on the " + path + ": " + c.failures.size() + " of " + c.checks
                    + " checks failed:");
            c.failures.forEach(f -> System.err.println("  - " + f));
            System.exit(1);
        }
        System.out.println("llamakit consumer on the " + path + ": all " + c.checks + " checks passed");
    }

    private void run(String path) throws IOException {
        Module core = LlamaClient.class.getModule();
        if (path.equals("module-path")) {
            check(core.isNamed() && core.getName().equals("dev.llamakit.core"), "llama-core is the named module dev.llamakit.core: " + core);
            check(Consumer.class.getModule().isNamed(), "this consumer runs as a named module");
            for (Module m : ModuleLayer.boot().modules()) {
                if (!m.getName().startsWith("dev.llamakit.") || m == Consumer.class.getModule()) {
                    continue;
                }
                for (String p : m.getPackages()) {
                    boolean internal = p.contains(".internal");
                    check(!internal || !m.isExported(p), m.getName() + " does not export its internal package " + p);
                }
            }
        } else {
            check(!core.isNamed(), "llama-core is on the class path: " + core);
        }

        contains("memory strategies", MemoryStrategies.available(),
                Set.of("full-history", "sliding-window", "selective-retention", "summarization", "hierarchical"));
        contains("conversation stores", ConversationStores.available(), Set.of("in-memory", "file", "jdbc"));
        contains("retrievers", Retrievers.available(), Set.of("keyword", "bm25", "vector", "hybrid", "opensearch"));
        contains("embedders", Embedders.available(), Set.of("all-minilm-l6-v2-q", "bge-small-en-v1.5-q", "onnx"));
        contains("rerankers", Rerankers.available(), Set.of("mmr", "llm"));
        contains("token counters", TokenCounters.available(), Set.of("estimate", "local"));

        try (LlamaTestServer server = LlamaTestServer.start()) {
            LlamaClient client = LlamaClient.builder().baseUrl(server.baseUrl()).apiKey("test-key").build();
            server.enqueue(ScriptedReply.text("Paris."));
            ChatResponse reply = client.chat(request("What is the capital of France?"));
            check(reply.text().equals("Paris."), "chat: " + reply.text());

            server.enqueue(ScriptedReply.text("Phobos and Deimos."));
            StringBuilder streamed = new StringBuilder();
            try (ChatStream stream = client.stream(request("Name the moons of Mars."))) {
                stream.onText(streamed::append);
            }
            check(streamed.toString().equals("Phobos and Deimos."), "stream: " + streamed);

            server.enqueue(ScriptedReply.text("{\"country\":\"France\",\"city\":\"Paris\"}"));
            Capital capital = client.chat(request("The capital of France, as JSON."), Capital.class);
            check(capital.equals(new Capital("France", "Paris")), "structured output: " + capital);

            Path dir = Files.createTempDirectory("llamakit-consumer");
            try (ConversationStore store = ConversationStores.create("file",
                    ProviderOptions.builder().put("directory", dir.toString()).build())) {
                server.enqueue(ScriptedReply.text("Hello again."));
                Conversation conversation = Conversation.builder(client).id("c1").model("Llama-3.3-8B-Instruct")
                        .memory(MemoryStrategies.create("sliding-window", Map.of())).store(store).build();
                conversation.send("Hello!");
                check(store.load("c1").size() == 2, "the file store kept the turn: " + store.load("c1").size());
            }
        }

        Retriever bm25 = Retrievers.create("bm25", Map.of());
        bm25.upsert(List.of(Document.of("a", "The client retries a 429 after the retry-after delay."),
                Document.of("b", "Summaries are folded into the system message.")));
        List<RetrievedChunk> hits = bm25.retrieve("how are 429 responses retried", 1);
        check(!hits.isEmpty() && hits.get(0).chunk().documentId().equals("a"), "bm25: " + hits);
        bm25.close();

        Path folder = Files.createTempDirectory("llamakit-consumer-docs");
        Files.writeString(folder.resolve("guide.md"), "# Retries\n\nThe client waits and retries a 429.\n");
        try (Retriever indexed = Retrievers.create("bm25", Map.of())) {
            IndexReport report = FolderIndexer.of(indexed, FolderLoader.of(folder)).index();
            check(report.documentsUpserted() == 1 && indexed.count() == 1, "FolderIndexer (llama-documents): " + report);
        }

        Embedder embedder = Embedders.create("all-minilm-l6-v2-q", Map.of());
        check(embedder.embed(List.of("a sentence")).get(0).length == embedder.dimensions(),
                "the embedder read its model from its jar");

        localModel(path);
    }

    /** llama-local: a missing file, then a synthetic model loaded, asked, counted and closed. */
    private void localModel(String path) throws IOException {
        Path dir = Files.createTempDirectory("llamakit-consumer-local");
        try {
            LocalChatModel.builder(dir.resolve("missing.gguf")).load().close();
            check(false, "a missing model file fails to load");
        } catch (LocalModelException e) {
            check(e.reason() == LocalModelException.Reason.MODEL_FILE, "a missing model file is MODEL_FILE: " + e.reason());
        }
        if (path.equals("module-path")) {
            Module llama = ModuleLayer.boot().findModule("llama").orElse(null);
            check(llama != null && llama.getDescriptor().isAutomatic(), "java-llama.cpp is the automatic module llama: " + llama);
        }

        Path file = SyntheticGgufModel.builder().build().write(dir.resolve("synthetic.gguf"));
        LocalChatModel model = LocalChatModel.builder(file).threads(2).contextSize(256).load();
        ChatRequest hello = ChatRequest.builder().model(model.name()).addMessage(Message.user("hello world"))
                .maxCompletionTokens(4).extraBody("seed", 42).build();
        ChatResponse first = model.chat(hello);
        ChatResponse second = model.chat(hello);
        long completion = first.usage().orElseThrow().completionTokens();
        check(completion >= 1 && completion <= 4, "local chat: at most 4 completion tokens, got " + completion);
        check(first.text().equals(second.text()), "local chat: the same seed gives the same reply: " + first.text()
                + " / " + second.text());

        TokenCounter counter = TokenCounters.create("local", ProviderOptions.builder().service(LocalChatModel.class, model).build());
        long prompt = first.usage().orElseThrow().promptTokens();
        check(counter.count(hello.messages()) == prompt, "token counter 'local' counts the prompt as the model did: "
                + counter.count(hello.messages()) + " / " + prompt);

        Verdict verdict = model.chat(ChatRequest.builder().model(model.name()).addMessage(Message.user("Judge: hello world"))
                .extraBody("seed", 1).build(), Verdict.class);
        check(verdict.level() != null, "local structured output (JSON-schema grammar) parses: " + verdict);

        model.close();
        try {
            model.chat(hello);
            check(false, "a closed local model refuses requests");
        } catch (LocalModelException e) {
            check(e.reason() == LocalModelException.Reason.CLOSED, "a closed local model is CLOSED: " + e.reason());
        }
    }

    private static ChatRequest request(String text) {
        return ChatRequest.builder().model("Llama-3.3-8B-Instruct").addMessage(Message.user(text)).build();
    }

    private void contains(String what, Set<String> found, Set<String> expected) {
        check(found.containsAll(expected), what + " found through the registry: " + found + ", expected at least " + expected);
    }

    private void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures.add(what);
        }
    }
}
