package dev.llamakit.memory.selective;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.Message;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Multi-turn conversations against the test server: what {@code selective-retention} sent, next to {@code sliding-window}. */
class SelectiveRetentionConversationTest {
    private static final String KEY = "selective-key-1618";
    private static final String MODEL = "Llama-3.3-8B-Instruct";
    private static final String[] TOPICS = {"clouds", "rivers", "forests", "deserts", "oceans", "mountains", "valleys",
        "islands", "glaciers", "meadows", "canyons", "lakes"};

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    /** The estimator without calibration, so that the test's budgets do not move with the server's counts. */
    private static final class FixedTokens implements TokenCounter {
        private final EstimatingTokenCounter estimate = new EstimatingTokenCounter();

        @Override
        public int count(String text) {
            return estimate.count(text);
        }

        @Override
        public int count(Message message) {
            return estimate.count(message);
        }
    }

    private List<JsonNode> converse(MemoryStrategy memory) {
        LlamaTestServer server = extension.server();
        server.clearRecorded();
        Conversation chat = Conversation.builder(LlamaClient.builder().baseUrl(server.baseUrl()).apiKey(KEY).build())
                .model(MODEL).systemPrompt("You are a helpful assistant.").memory(memory).tokenCounter(new FixedTokens())
                .build();
        server.enqueue(ScriptedReply.text("Noted, I will remember that."));
        chat.send("Ada's birthday is 12 March, please remember it.");
        server.enqueue(ScriptedReply.text("Understood."));
        chat.send(dev.llamakit.chat.UserMessage.of("Always answer in one sentence."), EntryFlag.PINNED);
        for (String topic : TOPICS) {
            server.enqueue(ScriptedReply.text("people often enjoy " + topic + " on a calm day"));
            chat.send("tell me something nice about " + topic + " please");
        }
        server.enqueue(ScriptedReply.text("On 12 March."));
        chat.send("When is Ada's birthday?");

        MemoryContext last = chat.lastContext().orElseThrow();
        List<JsonNode> sent = new ArrayList<>();
        server.requests().get(server.requests().size() - 1).json().get("messages").forEach(sent::add);
        assertThat(sent).hasSize(last.messages().size());
        assertThat(sent.get(sent.size() - 1).get("content").asText()).isEqualTo("When is Ada's birthday?");
        return sent;
    }

    private static List<String> contents(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("content").asText()).toList();
    }

    @Test
    void theBirthdayIsRecalledAndTheFillerDropped() {
        List<JsonNode> sent = converse(MemoryStrategies.create("selective-retention", Map.of("max-tokens", "140")));

        List<String> contents = contents(sent);
        assertThat(contents.get(0)).isEqualTo("You are a helpful assistant.");
        assertThat(contents).contains("Ada's birthday is 12 March, please remember it.", "Always answer in one sentence.");
        assertThat(contents).doesNotContain("tell me something nice about clouds please", "tell me something nice about rivers please");
        assertThat(contents).contains("tell me something nice about lakes please"); // recent
        assertThat(sent.size()).isLessThan(2 + 2 * (2 + TOPICS.length));
        assertThat(contents.indexOf("Ada's birthday is 12 March, please remember it."))
                .isLessThan(contents.indexOf("Always answer in one sentence.")); // chronological
    }

    @Test
    void aSlidingWindowOfTheSameSizeForgetsIt() {
        List<String> contents = contents(converse(MemoryStrategies.create("sliding-window", Map.of("max-tokens", "140"))));
        assertThat(contents).doesNotContain("Ada's birthday is 12 March, please remember it.", "Always answer in one sentence.");
        assertThat(contents).contains("tell me something nice about lakes please");
    }
}
