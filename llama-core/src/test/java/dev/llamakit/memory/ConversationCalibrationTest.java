package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolDefinition;
import dev.llamakit.chat.Usage;
import dev.llamakit.client.error.BadRequestException;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 14, item 5: calibration that survives a resume, budgets tool definitions, and learns from a rejection. */
class ConversationCalibrationTest {
    static final String MODEL = "Llama-3.3-8B-Instruct";
    static final String KEY = "calibration-test-key";

    @RegisterExtension
    final LlamaTestServerExtension llama = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    /** A server whose tokenizer counts {@code factor} times the raw estimate, and which rejects prompts over {@code limit}. */
    ChatModel server(double factor, int limit, AtomicInteger rejections) {
        TokenCounter raw = new EstimatingTokenCounter();
        return request -> {
            requests.add(request);
            List<Message> counted = new ArrayList<>(request.messages());
            request.tools().forEach(t -> counted.add(new SystemMessage(t.name() + " " + t.description().orElse("") + " "
                    + t.parametersSchema().orElse(""))));
            int prompt = (int) Math.round(raw.count(counted) * factor);
            if (prompt > limit) {
                rejections.incrementAndGet();
                String message = "This model's maximum context length is " + limit + " tokens. However, you requested " + prompt
                        + " tokens in the messages, Please reduce the length of the messages. None";
                throw new BadRequestException(400, null, message, "{\"object\":\"error\",\"message\":\"" + message.replace("'", "\\'")
                        + "\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");
            }
            return ChatResponse.builder().message(new AssistantMessage("Noted: " + "detail ".repeat(20), List.of(), StopReason.STOP))
                    .usage(new Usage(prompt, 30, prompt + 30)).build();
        };
    }

    /** The most recent units that fit the budget (what a truncating strategy does; llama-memory is not on this classpath). */
    static final class RecentUnits implements MemoryStrategy {
        final List<Integer> budgets = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recent-units";
        }

        @Override
        public MemoryContext select(MemoryInput input) {
            budgets.add(input.budget().promptTokens());
            int room = input.budget().promptTokens() - input.requireMinimalContextFits(name());
            List<List<TranscriptEntry>> units = input.transcript().units();
            int start = units.size() - 1;
            while (start > 0) {
                int t = input.tokens().count(units.get(start - 1).stream().map(TranscriptEntry::message).toList());
                if (t > room) {
                    break;
                }
                room -= t;
                start--;
            }
            List<Message> messages = new ArrayList<>();
            input.systemMessage().ifPresent(messages::add);
            List<Long> seqs = new ArrayList<>();
            for (List<TranscriptEntry> unit : units.subList(start, units.size())) {
                unit.forEach(e -> {
                    messages.add(e.message());
                    seqs.add(e.seq());
                });
            }
            return new MemoryContext(messages, seqs, 0, input.tokens().count(messages));
        }
    }

    @Test
    void aResumedConversationStartsWithTheCalibrationItsRepliesMeasured() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        EstimatingTokenCounter first = new EstimatingTokenCounter();
        Conversation chat = Conversation.builder(server(1.6, Integer.MAX_VALUE, new AtomicInteger())).model(MODEL)
                .systemPrompt("Be brief.").store(store).id("resume").tokenCounter(first).build();
        for (int i = 0; i < 8; i++) {
            chat.send("Turn " + i + ": please remember the number " + (1000 + i) + " for later.");
        }
        assertThat(first.ratio()).isGreaterThan(1.4);

        EstimatingTokenCounter resumed = new EstimatingTokenCounter();
        Conversation.builder(server(1.6, Integer.MAX_VALUE, new AtomicInteger())).model(MODEL).store(store).id("resume")
                .tokenCounter(resumed).build();
        assertThat(resumed.ratio()).as("seeded from the stored calibration").isCloseTo(first.ratio(), within(0.01));
    }

    @Test
    void toolDefinitionsAreBudgetedAndDoNotInflateTheRatio() {
        ToolDefinition tool = ToolDefinition.builder("order_status").description("Looks up the status of an order by its id, "
                + "returning carrier, tracking number and the expected delivery date.")
                .parametersSchema("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"description\":\"the order id\"}},"
                        + "\"required\":[\"id\"]}").build();
        EstimatingTokenCounter counter = new EstimatingTokenCounter();
        int toolTokens = counter.count(new SystemMessage(tool.name() + " " + tool.description().orElse("") + " "
                + tool.parametersSchema().orElse("")));
        RecentUnits memory = new RecentUnits();
        Conversation chat = Conversation.builder(server(1.0, Integer.MAX_VALUE, new AtomicInteger())).model(MODEL)
                .memory(memory).tokenCounter(counter).budget(new ContextBudget(2_000, 500))
                .configureRequest(b -> b.addTool(tool)).build();
        for (int i = 0; i < 5; i++) {
            chat.send("Where is order " + i + "?");
        }
        assertThat(memory.budgets).allSatisfy(b -> assertThat(b).isEqualTo(1_500 - toolTokens));
        assertThat(counter.ratio()).as("the server counted exactly messages + tools").isCloseTo(1.0, within(0.001));
    }

    @Test
    void aContextLengthRejectionRecalibratesAndRetriesOnceWithASmallerSelection() {
        AtomicInteger rejections = new AtomicInteger();
        RecentUnits memory = new RecentUnits();
        int limit = 1_200;
        // the configured budget believes in 128k tokens; the server has 1,200 and counts 1.5x the raw estimate
        Conversation chat = Conversation.builder(server(1.5, limit, rejections)).model(MODEL).systemPrompt("Be brief.")
                .memory(memory).build();
        for (int i = 0; i < 60; i++) {
            ChatResponse reply = chat.send("Turn " + i + ": here are some more details about the project plan, please keep them.");
            assertThat(reply.text()).startsWith("Noted");
        }
        assertThat(rejections.get()).as("rejected at first, then the conversation knows the limit").isBetween(1, 3);
        assertThat(chat.transcript().entries()).noneMatch(e -> e.has(EntryFlag.UNANSWERED));
        assertThat(chat.transcript().size()).isEqualTo(120);
    }

    @Test
    void aVllmRejectionFromARealServerIsRetriedWithLessHistory() {
        LlamaTestServer server = llama.server();
        LlamaClient client = LlamaClient.builder().dialect(Dialect.OPENAI).apiKey(KEY).sleeper(d -> { })
                .baseUrl(server.compatBaseUrl()).build();
        Conversation chat = Conversation.builder(client).model(MODEL).systemPrompt("Be brief.").memory(new RecentUnits()).build();
        for (int i = 0; i < 6; i++) {
            server.enqueue(ScriptedReply.text("ok " + i).withUsage(40 + 20 * i, 2));
            chat.send("message " + i + " with a few words of history in it");
        }
        server.enqueue(ScriptedReply.status(400).withBody("{\"object\":\"error\",\"message\":\"This model's maximum context "
                + "length is 120 tokens. However, you requested 190 tokens (160 in the messages, 30 in the completion). Please "
                + "reduce the length of the messages or completion.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"));
        server.enqueue(ScriptedReply.text("fine").withUsage(80, 2));
        assertThat(chat.send("and now?").text()).isEqualTo("fine");
        for (int i = 0; i < 6; i++) {
            server.takeRequest();
        }
        int rejected = server.takeRequest().json().get("messages").size();
        int retried = server.takeRequest().json().get("messages").size();
        assertThat(retried).isLessThan(rejected).isGreaterThanOrEqualTo(2);
    }
}
