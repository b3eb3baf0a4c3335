package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.ResponseFormat;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.error.StreamCancelledException;
import dev.llamakit.testkit.SyntheticGgufModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real native path on a tiny synthetic GGUF model with random weights (its text is gibberish). */
class LocalChatModelTest {
    @TempDir
    static Path dir;
    static Path modelFile;
    static LocalChatModel model;

    @BeforeAll
    static void load() throws Exception {
        modelFile = SyntheticGgufModel.builder().build().write(dir.resolve("synthetic.gguf"));
        model = LocalChatModel.builder(modelFile).threads(2).contextSize(256).load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static ChatRequest.Builder request(String user) {
        return ChatRequest.builder().model("ignored").addMessage(Message.system("Be brief.")).addMessage(Message.user(user));
    }

    @Test
    void nameAndContextComeFromTheFileAndBuilder() {
        assertThat(model.name()).isEqualTo("synthetic-test-model");
        assertThat(model.contextSize()).isEqualTo(256);
    }

    @Test
    void promptsGoThroughTheFilesChatTemplate() {
        String prompt = model.render(request("hello world").build().messages(), List.of());
        assertThat(prompt).isEqualTo("<|system|>\nBe brief.</s><|user|>\nhello world</s><|assistant|>\n");
    }

    @Test
    void chatCountsUsageWithTheModelsTokenizerAndStopsAtTheTokenLimit() {
        ChatRequest request = request("hello").maxCompletionTokens(6).temperature(0.7).extraBody("seed", 42).build();
        ChatResponse reply = model.chat(request);
        var usage = reply.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(model.tokenCounter().count(request.messages())).isPositive();
        assertThat(usage.completionTokens()).isEqualTo(6);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + 6);
        assertThat(reply.stopReason()).isEqualTo(StopReason.LENGTH);
        assertThat(reply.model()).contains("synthetic-test-model");
    }

    @Test
    void usageCountsEveryTokenOfCharactersSpreadOverSeveralTokens() {
        // the synthetic vocabulary has no piece for these characters: each is written as its 3 UTF-8 byte tokens,
        // which llama.cpp hands out as one piece of text; with the quotes (byte tokens too) the reply is 11 tokens,
        // plus the end-of-text token the model ends with (llama.cpp's own usage counts it too)
        ChatRequest request = request("hello").responseFormat(ResponseFormat.jsonSchema("word", "{\"const\":\"日本語\"}"))
                .extraBody("seed", 1).build();
        ChatResponse reply = model.chat(request);
        assertThat(reply.text().strip()).isEqualTo("\"日本語\"");
        int whitespace = reply.text().length() - reply.text().strip().length(); // the grammar allows some after the JSON
        assertThat(reply.usage().orElseThrow().completionTokens()).isEqualTo(11 + whitespace + 1);
        assertThat(reply.stopReason()).isEqualTo(StopReason.STOP);
    }

    @Test
    void samplingFollowsSeedAndTemperature() {
        ChatRequest.Builder hot = request("hello").maxCompletionTokens(16).temperature(1.0);
        List<String> replies = new ArrayList<>();
        for (int seed = 1; seed <= 4; seed++) {
            replies.add(model.chat(hot.extraBody("seed", seed).build()).text());
        }
        assertThat(replies).doesNotHaveDuplicates(); // 16 tokens of 294 at temperature 1: seeds make the difference
        ChatRequest.Builder greedy = request("hello").maxCompletionTokens(16).temperature(0.0);
        assertThat(model.chat(greedy.extraBody("seed", 1).build()).text())
                .isEqualTo(model.chat(greedy.extraBody("seed", 99).build()).text()); // greedy: the seed does not matter
    }

    @Test
    void badLimitsAndParametersAreRefusedBeforeGeneration() {
        for (int limit : new int[] {0, -1}) {
            assertThatThrownBy(() -> model.chat(request("hello").maxCompletionTokens(limit).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCompletionTokens must be at least 1");
        }
        assertThatThrownBy(() -> model.chat(request("hello").extraBody("seed", 1.5).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'seed'");
        assertThatThrownBy(() -> model.chat(request("hello").extraBody("seed", 1L << 40).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'seed'");
        assertThatThrownBy(() -> model.chat(request("hello").extraBody("stop", java.util.Arrays.asList("a", null)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'stop'");
        assertThat(model.chat(request("hello").maxCompletionTokens(2).build()).usage()).isPresent(); // still serving
    }

    @Test
    void closingTheModelCancelsAStreamNobodyReads() throws Exception {
        LocalChatModel other = LocalChatModel.builder(modelFile).contextSize(128).load();
        ChatStream abandoned = other.stream(request("hello").build());
        Iterator<ChatStreamEvent> events = abandoned.iterator();
        events.next(); // started, then left alone
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            closer.submit(other::close).get(60, TimeUnit.SECONDS); // before: waited for the stream for ever
        } finally {
            closer.shutdownNow();
        }
        assertThatThrownBy(() -> {
            while (events.hasNext()) {
                events.next();
            }
        }).isInstanceOf(StreamCancelledException.class);
        assertThatThrownBy(() -> other.chat(request("hello").build())).isInstanceOf(LocalModelException.class)
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.CLOSED));
    }

    @Test
    void aDroppedStreamGivesTheModelBackOnceCollected() throws Exception {
        LocalChatModel other = LocalChatModel.builder(modelFile).contextSize(128).load();
        openAndDrop(other);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ChatResponse> next = pool.submit(() -> other.chat(request("hello").maxCompletionTokens(2).build()));
            for (int i = 0; i < 600 && !next.isDone(); i++) { // before: the next request waited for ever
                System.gc();
                Thread.sleep(100);
            }
            assertThat(next.get(1, TimeUnit.SECONDS).usage()).isPresent();
        } finally {
            pool.shutdownNow();
        }
        other.close(); // only once the model is free: closing waits for the request in progress
    }

    private static void openAndDrop(LocalChatModel model) {
        model.stream(request("hello").build()).iterator().next(); // started, then neither read nor closed
    }

    @Test
    void aRequestInterruptedWhileWaitingForTheModelFailsAndKeepsTheInterrupt() throws Exception {
        try (ChatStream holding = model.stream(request("hello").build())) {
            holding.iterator().next();
            Throwable[] failure = new Throwable[1];
            boolean[] interruptKept = new boolean[1];
            Thread waiter = new Thread(() -> {
                try {
                    model.chat(request("hello").maxCompletionTokens(2).build());
                } catch (Throwable t) {
                    failure[0] = t;
                    interruptKept[0] = Thread.currentThread().isInterrupted();
                }
            });
            waiter.start();
            while (waiter.getState() != Thread.State.WAITING) { // parked on the model's queue
                Thread.onSpinWait();
            }
            waiter.interrupt();
            waiter.join();
            assertThat(failure[0]).isInstanceOf(dev.llamakit.client.error.LlamaException.class)
                    .isNotInstanceOf(LocalModelException.class).hasMessageContaining("interrupted while waiting");
            assertThat(interruptKept[0]).isTrue();
        }
    }

    @Test
    void theSameSeedGivesTheSameReply() {
        ChatRequest request = request("hello").maxCompletionTokens(12).temperature(0.9).topP(0.95).extraBody("seed", 7).build();
        assertThat(model.chat(request).text()).isEqualTo(model.chat(request).text());
    }

    @Test
    void streamsStartTextCompleteAndMetricsAndCollectsTheSameText() {
        List<ChatStreamEvent> events = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (ChatStream stream = model.stream(request("hello").maxCompletionTokens(10).extraBody("seed", 3).build())) {
            for (ChatStreamEvent e : stream) {
                events.add(e);
                if (e instanceof ChatStreamEvent.TextDelta d) {
                    text.append(d.text());
                }
            }
        }
        assertThat(events.get(0)).isInstanceOf(ChatStreamEvent.Start.class);
        assertThat(events.get(events.size() - 2)).isInstanceOf(ChatStreamEvent.Complete.class);
        ChatStreamEvent.Metrics metrics = (ChatStreamEvent.Metrics) events.get(events.size() - 1);
        assertThat(metrics.usage().completionTokens()).isBetween(1L, 10L);
        ChatResponse collected = model.stream(request("hello").maxCompletionTokens(10).extraBody("seed", 3).build()).collect();
        assertThat(collected.text()).isEqualTo(text.toString());
    }

    @Test
    void stopSequencesEndTheReplyBeforeThem() {
        List<String> letters = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            letters.add(String.valueOf(c));
        }
        ChatResponse reply = model.chat(request("hello").maxCompletionTokens(150).extraBody("seed", 5).extraBody("stop", letters).build());
        assertThat(reply.stopReason()).isEqualTo(StopReason.STOP);
        assertThat(reply.usage().orElseThrow().completionTokens()).isLessThan(150);
        assertThat(reply.text()).doesNotContainPattern("[a-z]");
    }

    @Test
    void closingAStreamFromAnotherThreadCancelsTheGenerationAndFreesTheModel() throws Exception {
        ChatStream stream = model.stream(request("hello").extraBody("seed", 11).build()); // up to the whole context
        Iterator<ChatStreamEvent> events = stream.iterator();
        int deltas = 0;
        while (deltas < 3) {
            if (events.next() instanceof ChatStreamEvent.TextDelta) {
                deltas++;
            }
        }
        Thread closer = new Thread(stream::close);
        closer.start();
        closer.join();
        int[] after = {0};
        assertThatThrownBy(() -> {
            while (events.hasNext()) {
                if (events.next() instanceof ChatStreamEvent.TextDelta) {
                    after[0]++;
                }
            }
        }).isInstanceOf(StreamCancelledException.class);
        assertThat(after[0]).isLessThanOrEqualTo(1); // at most the token read before the close
        stream.close();
        assertThat(model.chat(request("hello").maxCompletionTokens(3).build()).usage()).isPresent();
    }

    @Test
    void aPromptLargerThanTheContextFailsBeforeGeneration() {
        ChatRequest tooLong = request("hello world ".repeat(200)).build();
        assertThatThrownBy(() -> model.chat(tooLong)).isInstanceOf(LocalModelException.class)
                .hasMessageContaining("the context holds 256")
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.CONTEXT_OVERFLOW));
    }

    @Test
    void toolsNeedATemplateThatTakesThem() {
        ChatRequest withTools = request("hello").addTool(ToolDefinition.builder("weather").description("the weather").build()).build();
        assertThatThrownBy(() -> model.chat(withTools)).isInstanceOf(LocalModelException.class)
                .hasMessageContaining("not supported by this model")
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.UNSUPPORTED));
    }

    @Test
    void requestsFromSeveralThreadsAreQueuedAndAllAnswered() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ChatResponse>> replies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int seed = i;
                replies.add(pool.submit(() -> i(seed) % 2 == 0
                        ? model.chat(request("hello").maxCompletionTokens(8).extraBody("seed", seed).build())
                        : model.stream(request("the world").maxCompletionTokens(8).extraBody("seed", seed).build()).collect()));
            }
            for (Future<ChatResponse> reply : replies) {
                assertThat(reply.get(60, TimeUnit.SECONDS).usage().orElseThrow().completionTokens()).isBetween(1L, 8L);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int i(int v) {
        return v;
    }

    @Test
    void aMissingFileIsATypedError() {
        assertThatThrownBy(() -> LocalChatModel.load(dir.resolve("nope.gguf"))).isInstanceOf(LocalModelException.class)
                .hasMessageContaining("no model file")
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.MODEL_FILE));
    }

    @Test
    void aFileThatIsNotGgufIsATypedError() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.gguf"), "just some text, not a model");
        assertThatThrownBy(() -> LocalChatModel.load(text)).isInstanceOf(LocalModelException.class)
                .hasMessageContaining("not a GGUF model file");
    }

    @Test
    void aTruncatedModelIsATypedErrorFromLlamaCpp() throws Exception {
        byte[] whole = Files.readAllBytes(modelFile);
        Path truncated = Files.write(dir.resolve("truncated.gguf"), java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> LocalChatModel.load(truncated)).isInstanceOf(LocalModelException.class)
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.MODEL_FILE));
    }

    @Test
    void aModelWithoutTemplateNeedsOneConfigured() throws Exception {
        Path bare = SyntheticGgufModel.builder().chatTemplate(null).build().write(dir.resolve("bare.gguf"));
        try (LocalChatModel noTemplate = LocalChatModel.builder(bare).contextSize(128).load()) {
            assertThatThrownBy(() -> noTemplate.chat(request("hello").build())).isInstanceOf(LocalModelException.class)
                    .hasMessageContaining("no chat template")
                    .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.NO_CHAT_TEMPLATE));
            assertThat(noTemplate.tokenCounter().count("hello world")).isPositive();
        }
        try (LocalChatModel configured = LocalChatModel.builder(bare).contextSize(128).name("bare")
                .chatTemplate("{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}[assistant] ").load()) {
            assertThat(configured.render(List.of(Message.user("hi")), List.of())).isEqualTo("[user] hi\n[assistant] ");
            assertThat(configured.chat(request("hello").maxCompletionTokens(3).build()).model()).contains("bare");
        }
    }

    @Test
    void reloadingTheSameFileWithTheSameSettingsReusesTheClosedNativeModel() throws Exception {
        Path file = SyntheticGgufModel.builder().build().write(dir.resolve("reload.gguf"));
        LocalChatModel first = LocalChatModel.builder(file).contextSize(128).load();
        Object native1 = first.nativeModel();
        Object native2;
        try (LocalChatModel other = LocalChatModel.builder(file).contextSize(128).load()) {
            native2 = other.nativeModel();
            assertThat(native2).isNotSameAs(native1); // the first is still open
        }
        first.close();
        try (LocalChatModel again = LocalChatModel.builder(file).contextSize(128).load();
             LocalChatModel third = LocalChatModel.builder(file).contextSize(128).load();
             LocalChatModel otherSettings = LocalChatModel.builder(file).contextSize(160).load()) {
            assertThat(List.<Object>of(again.nativeModel(), third.nativeModel())).containsExactlyInAnyOrder(native1, native2);
            assertThat(otherSettings.nativeModel()).isNotIn(again.nativeModel(), third.nativeModel());
            assertThat(again.chat(request("hello").maxCompletionTokens(3).build()).usage()).isPresent();
        }
    }

    @Test
    void aClosedModelRefusesRequests() throws Exception {
        LocalChatModel other = LocalChatModel.builder(modelFile).contextSize(128).load();
        other.close();
        other.close();
        assertThatThrownBy(() -> other.chat(request("hello").build())).isInstanceOf(LocalModelException.class)
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.CLOSED));
    }
}
