package dev.llamakit.memory.window;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sliding-window} sends exactly what the seed guide's {@code managed_conversation_loop(system_prompt,
 * max_history)} sends: the test drives a {@link Conversation} against the test server and, beside it, a
 * line-by-line Java port of the Python loop, and compares every recorded request's messages with the port's list.
 */
class SlidingWindowSeedLoopTest {
    private static final String KEY = "seed-window-key-2718";
    private static final String MODEL = "Llama-3.3-8B-Instruct";
    private static final String SYSTEM_PROMPT = "You are a helpful assistant.";
    private static final int TURNS = 15;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    @ParameterizedTest(name = "max_history={0}")
    @ValueSource(ints = {10, 1, 2, 3, 4, 7})
    void reproducesManagedConversationLoop(int maxHistory) {
        LlamaTestServer server = extension.server();
        LlamaClient client = LlamaClient.builder().baseUrl(server.baseUrl()).apiKey(KEY).build();
        Map<String, String> options = maxHistory == 10 ? Map.of() : Map.of("max-messages", Integer.toString(maxHistory));
        Conversation chat = Conversation.builder(client).model(MODEL).systemPrompt(SYSTEM_PROMPT)
                .memory(MemoryStrategies.create("sliding-window", options)).build();

        // conversation = [{"role": "system", "content": system_prompt}]
        List<ObjectNode> conversation = new ArrayList<>();
        conversation.add(message("system", SYSTEM_PROMPT));
        List<ArrayNode> pythonRequests = new ArrayList<>();
        for (int turn = 0; turn < TURNS; turn++) {
            String userInput = "Question " + turn + ": tell me about topic " + (char) ('A' + turn) + ".";
            String reply = "Answer " + turn + " about topic " + (char) ('A' + turn) + ".";
            String stopReason = turn % 4 == 3 ? "length" : "stop";
            server.enqueue(ScriptedReply.text(reply).withStopReason(stopReason));

            chat.send(userInput);

            // conversation.append({"role": "user", "content": user_input})
            conversation.add(message("user", userInput));
            // if len(conversation) > max_history:
            if (conversation.size() > maxHistory) {
                // conversation_window = conversation[-(max_history):]
                List<ObjectNode> window = new ArrayList<>(conversation.subList(conversation.size() - maxHistory,
                        conversation.size()));
                // conversation = [conversation[0]] + conversation_window
                List<ObjectNode> next = new ArrayList<>();
                next.add(conversation.get(0));
                next.addAll(window);
                conversation = next;
            }
            // response = chat_completion(conversation)
            pythonRequests.add(JSON.valueToTree(conversation));
            // assistant_content = response["completion_message"]["content"]["text"]; ...["stop_reason"]
            ObjectNode assistant = message("assistant", reply);
            assistant.put("stop_reason", stopReason);
            conversation.add(assistant);
        }

        assertThat(server.requests()).hasSize(TURNS);
        for (int i = 0; i < TURNS; i++) {
            JsonNode sent = server.requests().get(i).json().get("messages");
            assertThat(sent).as("request %d with max_history=%d", i, maxHistory).isEqualTo(pythonRequests.get(i));
            assertThat(sent).hasSize(Math.min(2 * i + 1, maxHistory) + 1);
        }
        assertThat(chat.transcript().size()).isEqualTo(2 * TURNS);
    }

    private static ObjectNode message(String role, String content) {
        ObjectNode node = JSON.createObjectNode();
        node.put("role", role);
        node.put("content", content);
        return node;
    }
}
