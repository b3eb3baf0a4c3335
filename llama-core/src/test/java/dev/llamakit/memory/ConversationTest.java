package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.Role;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.Usage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.error.InternalServerException;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Conversation} with a {@link ChatModel} lambda and with a real {@link LlamaClient} on the test server. */
class ConversationTest {
    static final String KEY = "conversation-test-key-31415";
    static final String MODEL = "Llama-3.3-8B-Instruct";

    @RegisterExtension
    final LlamaTestServerExtension llama = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    LlamaClient client(Dialect dialect) {
        LlamaTestServer server = llama.server();
        return LlamaClient.builder().dialect(dialect).apiKey(KEY).sleeper(d -> { })
                .baseUrl(dialect == Dialect.LLAMA ? server.baseUrl() : server.compatBaseUrl()).build();
    }

    /** A model that records each request and answers with {@code reply} applied to the last message's text. */
    ChatModel model(Function<String, String> reply) {
        return request -> {
            requests.add(request);
            String last = request.messages().get(request.messages().size() - 1).text();
            return ChatResponse.builder().message(new AssistantMessage(reply.apply(last), List.of(), StopReason.STOP))
                    .usage(new Usage(7, 2, 9)).build();
        };
    }

    static List<String> texts(List<? extends Message> messages) {
        return messages.stream().map(Message::text).toList();
    }

    static List<String> sentTexts(RecordedRequest request) {
        List<String> texts = new ArrayList<>();
        for (JsonNode m : request.json().get("messages")) {
            JsonNode content = m.get("content");
            texts.add(content == null || content.isNull() ? "" : content.isTextual() ? content.asText()
                    : content.isArray() ? content.get(0).path("text").asText() : content.path("text").asText());
        }
        return texts;
    }

    @Test
    void aFailedCallRecordsTheUserTurnAsUnansweredAndTheNextTurnLeavesItOut() {
        RuntimeException failure = new IllegalStateException("the model is down");
        AtomicInteger calls = new AtomicInteger();
        InMemoryConversationStore store = new InMemoryConversationStore();
        ChatModel flaky = request -> {
            requests.add(request);
            if (calls.getAndIncrement() == 1) {
                throw failure;
            }
            return ChatResponse.builder().message(new AssistantMessage("reply " + calls.get(), List.of(), StopReason.STOP)).build();
        };
        Conversation chat = Conversation.builder(flaky).model(MODEL).systemPrompt("Be brief.").store(store).id("c").build();
        chat.send("first");
        assertThatThrownBy(() -> chat.send("lost question")).isSameAs(failure);

        Transcript t = chat.transcript();
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.get(2).message()).isEqualTo(Message.user("lost question"));
        assertThat(t.get(2).has(EntryFlag.UNANSWERED)).isTrue();
        assertThat(store.load("c").entries()).isEqualTo(t.entries());

        chat.send("second");
        assertThat(texts(requests.get(2).messages())).containsExactly("Be brief.", "first", "reply 1", "second");
        assertThat(chat.transcript().entries()).extracting(e -> e.message().role())
                .containsExactly(Role.USER, Role.ASSISTANT, Role.USER, Role.USER, Role.ASSISTANT);
        assertThat(chat.transcript().get(4).message().text()).isEqualTo("reply 3");
        assertThat(store.load("c").entries()).isEqualTo(chat.transcript().entries());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aServerErrorLeavesTheTranscriptConsistentAgainstTheTestServer(Dialect dialect) {
        llama.server().enqueue(ScriptedReply.status(500).withHeader("x-should-retry", "false"));
        Conversation chat = Conversation.builder(client(dialect)).model(MODEL).systemPrompt("Be brief.").build();
        assertThatThrownBy(() -> chat.send("this one fails")).isInstanceOf(InternalServerException.class);
        assertThat(llama.server().requestCount()).as("x-should-retry: false means no retry").isEqualTo(1);
        assertThat(chat.transcript().entries()).singleElement().satisfies(e -> {
            assertThat(e.message().text()).isEqualTo("this one fails");
            assertThat(e.has(EntryFlag.UNANSWERED)).isTrue();
        });

        ChatResponse reply = chat.send("this one works");
        assertThat(reply.text()).isEqualTo("Echo: this one works");
        llama.server().takeRequest();
        assertThat(sentTexts(llama.server().takeRequest())).containsExactly("Be brief.", "this one works");
        assertThat(chat.transcript().size()).isEqualTo(3);
        assertThat(chat.transcript().get(2).message()).isInstanceOfSatisfying(AssistantMessage.class,
                a -> assertThat(a.stopReason()).isEqualTo(StopReason.STOP));
    }

    @Test
    void aContextTooLargeForTheStrategyAlsoRecordsTheTurnAsUnanswered() {
        Conversation chat = Conversation.builder(model(text -> "ok")).model(MODEL)
                .memory(new FullHistoryStrategy()).budget(new ContextBudget(200, 50)).build();
        String huge = "word ".repeat(1_000);
        assertThatThrownBy(() -> chat.send(huge)).isInstanceOfSatisfying(ContextTooLargeException.class, e -> {
            assertThat(e.budgetTokens()).isEqualTo(150);
            assertThat(e.neededTokens()).isGreaterThan(150);
        });
        assertThat(requests).as("the model was not called").isEmpty();
        assertThat(chat.transcript().entries()).singleElement().satisfies(e -> assertThat(e.has(EntryFlag.UNANSWERED)).isTrue());

        chat.send("short");
        assertThat(texts(requests.get(0).messages())).containsExactly("short");
        assertThat(chat.transcript().size()).isEqualTo(3);
    }

    @Test
    void concurrentSendsFromEightThreadsProduceWholeTurnsInOrder() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        InMemoryConversationStore store = new InMemoryConversationStore();
        ChatModel slow = request -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            String last = request.messages().get(request.messages().size() - 1).text();
            return ChatResponse.builder().message(AssistantMessage.of("echo: " + last)).stopReason(StopReason.STOP)
                    .usage(new Usage(1, 1, 2)).build();
        };
        Conversation chat = Conversation.builder(slow).model(MODEL).store(store).id("busy").build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 10; i++) {
                        String text = "thread " + thread + " message " + i;
                        assertThat(chat.send(text).text()).isEqualTo("echo: " + text);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxInFlight.get()).as("one turn at a time").isEqualTo(1);
        List<TranscriptEntry> entries = chat.transcript().entries();
        assertThat(entries).hasSize(160);
        for (int i = 0; i < entries.size(); i++) {
            TranscriptEntry e = entries.get(i);
            assertThat(e.seq()).isEqualTo(i);
            assertThat(e.message().role()).isEqualTo(i % 2 == 0 ? Role.USER : Role.ASSISTANT);
            if (i % 2 == 1) {
                assertThat(e.message().text()).isEqualTo("echo: " + entries.get(i - 1).message().text());
            }
        }
        assertThat(store.load("busy").entries()).isEqualTo(entries);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void streamPassesTheFragmentsOnAndRecordsTheCollectedReply(Dialect dialect) {
        llama.server().enqueue(ScriptedReply.text("Phobos and Deimos orbit Mars.").withUsage(12, 5));
        EstimatingTokenCounter counter = new EstimatingTokenCounter();
        Conversation chat = Conversation.builder(client(dialect)).model(MODEL).tokenCounter(counter).build();
        List<String> fragments = new ArrayList<>();
        ChatResponse reply = chat.stream("Moons of Mars?", fragments::add);
        assertThat(fragments).hasSizeGreaterThan(1);
        assertThat(String.join("", fragments)).isEqualTo("Phobos and Deimos orbit Mars.");
        assertThat(reply.text()).isEqualTo("Phobos and Deimos orbit Mars.");
        TranscriptEntry last = chat.transcript().get(1);
        assertThat(last.message()).isEqualTo(new AssistantMessage("Phobos and Deimos orbit Mars.", List.of(), StopReason.STOP));
        assertThat(last.usage()).isEqualTo(new Usage(12, 5, 17));
        assertThat(llama.server().takeRequest().json().get("stream").asBoolean()).isTrue();
    }

    @Test
    void aFailingStreamCallbackLeavesTheTurnUnanswered() {
        Conversation chat = Conversation.builder(client(Dialect.OPENAI)).model(MODEL).build();
        assertThatThrownBy(() -> chat.stream("hello there", token -> {
            throw new IllegalStateException("the UI went away");
        })).hasMessageContaining("the UI went away");
        assertThat(chat.transcript().entries()).singleElement().satisfies(e -> assertThat(e.has(EntryFlag.UNANSWERED)).isTrue());
    }

    @Test
    void theReplysUsageIsStoredAndCalibratesTheTokenCounter() {
        EstimatingTokenCounter counter = new EstimatingTokenCounter();
        Message system = Message.system("You are a helpful assistant.");
        Message user = Message.user("What is the capital of France?");
        int estimate = new EstimatingTokenCounter().count(List.of(system, user));
        llama.server().enqueue(ScriptedReply.text("Paris.").withUsage(estimate * 2, 2));
        Conversation chat = Conversation.builder(client(Dialect.LLAMA)).model(MODEL).systemPrompt(system.text())
                .tokenCounter(counter).build();
        chat.send(user.text());
        assertThat(chat.transcript().get(1).usage()).isEqualTo(new Usage(estimate * 2L, 2, estimate * 2L + 2));
        assertThat(chat.transcript().get(0).usage()).as("the user turn has no usage").isNull();
        assertThat(counter.ratio()).as("moved toward the reported 2.0").isGreaterThan(1.2).isLessThanOrEqualTo(2.0);
        assertThat(chat.lastContext()).hasValueSatisfying(c -> assertThat(c.messages()).containsExactly(system, user));
    }

    @Test
    void recordAppendsMessagesThatLaterTurnsSee() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        Conversation chat = Conversation.builder(model(text -> "ok: " + text)).model(MODEL).store(store).id("r").build();
        chat.send("what time is it?");
        AssistantMessage call = AssistantMessage.ofToolCalls(List.of(new ToolCall("t1", "clock", "{}")));
        chat.record(List.of(call, Message.tool("t1", "12:00")));
        assertThat(chat.transcript().entries()).extracting(TranscriptEntry::seq).containsExactly(0L, 1L, 2L, 3L);
        assertThat(store.load("r").get(3).message()).isEqualTo(Message.tool("t1", "12:00"));

        assertThatThrownBy(() -> chat.record(java.util.Arrays.asList(Message.user("x"), null)))
                .isInstanceOf(NullPointerException.class);
        assertThat(chat.transcript().size()).as("nothing of a rejected record is kept").isEqualTo(4);

        chat.send("thanks");
        assertThat(requests.get(1).messages()).containsExactly(Message.user("what time is it?"),
                new AssistantMessage("ok: what time is it?", List.of(), StopReason.STOP), call,
                Message.tool("t1", "12:00"), Message.user("thanks"));
    }

    @Test
    void aConversationResumesFromItsStoreById() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        Conversation first = Conversation.builder(model(text -> "ok: " + text)).model(MODEL).store(store).id("resume").build();
        first.send("one");
        first.send(UserMessage.of("two"), EntryFlag.PINNED);
        Conversation again = Conversation.builder(model(text -> "again: " + text)).model(MODEL).store(store).id("resume").build();
        assertThat(again.transcript().entries()).isEqualTo(first.transcript().entries());
        assertThat(again.transcript().get(2).has(EntryFlag.PINNED)).isTrue();
        again.send("three");
        assertThat(again.transcript().size()).isEqualTo(6);
        assertThat(again.transcript().get(5).seq()).isEqualTo(5);
        assertThat(texts(requests.get(2).messages())).containsExactly("one", "ok: one", "two", "ok: two", "three");
        assertThat(store.load("resume").size()).isEqualTo(6);
        // a conversation with a fresh id starts empty
        assertThat(Conversation.builder(model(text -> "")).model(MODEL).store(store).build().transcript().isEmpty()).isTrue();
    }

    @Test
    void theBuilderRejectsMissingOrBlankSettings() {
        ChatModel model = model(text -> "");
        assertThatThrownBy(() -> Conversation.builder(model).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model");
        assertThatThrownBy(() -> Conversation.builder(model).id(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Conversation.builder(null)).isInstanceOf(NullPointerException.class);
        assertThat(Conversation.builder(model).model(MODEL).build().memory().name()).isEqualTo("full-history");
    }

    @Test
    void unansweredIsNotAFlagCallersCanSet() {
        Conversation chat = Conversation.builder(model(text -> "fine")).model(MODEL).build();
        chat.send(UserMessage.of("hi"), EntryFlag.UNANSWERED, EntryFlag.IMPORTANT);
        assertThat(chat.transcript().get(0).flags()).containsExactly(EntryFlag.IMPORTANT);
    }
}
