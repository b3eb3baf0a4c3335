package dev.llamakit.memory.summary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.InMemoryConversationStore;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.running.MemoryPreamble;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.summarize.ChatModelSummarizer;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A conversation with {@code summarization} against the test server: what went over the wire. */
class SummarizationServerTest {
    static final String KEY = "summary-memory-key-2718";
    static final String MODEL = "Llama-3.3-8B-Instruct";
    static final String TUTOR = "You are a friendly tutor.";
    static final List<String> QUESTIONS = List.of("What is a noun?", "Give me an example of a noun.", "And a verb?",
            "Give me an example of a verb.", "What is an adjective?", "Example, please.", "What is an adverb?",
            "Show me one in a sentence.", "What is a pronoun?", "Which pronouns are there?");

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    @Test
    void summaryRequestsUseTheSeedPromptAndLaterTurnsCarryTheSummary() {
        LlamaClient client = LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build();
        MemoryStrategy memory = MemoryStrategies.create("summarization", ProviderOptions.builder()
                .service(ChatModel.class, client)
                .put("summary-model", MODEL)
                .put("recent-messages", "6")
                .put("batch-messages", "6")
                .put("summary-max-tokens", "40")
                .build());
        InMemoryConversationStore store = new InMemoryConversationStore();
        Conversation chat = Conversation.builder(client).id("tutor").model(MODEL).systemPrompt(TUTOR).memory(memory).store(store).build();
        for (String q : QUESTIONS) {
            assertThat(chat.send(q).text()).isEqualTo("Echo: " + q);
        }

        List<RecordedRequest> requests = extension.server().requests();
        assertThat(requests).hasSize(QUESTIONS.size() + 3); // summaries before turns 4, 7 and 10
        List<Integer> summaryAt = List.of(3, 7, 11);
        String previousSummary = null;
        for (int i = 0; i < requests.size(); i++) {
            JsonNode body = requests.get(i).json();
            JsonNode messages = body.get("messages");
            if (summaryAt.contains(i)) {
                assertThat(messages).hasSize(2);
                assertThat(messages.get(0).get("content").asText()).isEqualTo(ChatModelSummarizer.SYSTEM_PROMPT);
                String user = messages.get(1).get("content").asText();
                assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(40);
                int firstQuestion = 3 * summaryAt.indexOf(i); // each summary folds in three turns
                String rendered = "User: " + QUESTIONS.get(firstQuestion) + "\nAssistant: Echo: " + QUESTIONS.get(firstQuestion)
                        + "\nUser: " + QUESTIONS.get(firstQuestion + 1);
                if (previousSummary == null) {
                    assertThat(user).startsWith("Summarize the following text in a concise manner:\n\n" + rendered);
                } else {
                    assertThat(user).contains("Summary so far:\n" + previousSummary + "\n\nNew text:\n" + rendered);
                }
                // the summary the next chat request carries is this request's (echoed, capped) reply
                String system = requests.get(i + 1).json().get("messages").get(0).get("content").asText();
                assertThat(system).startsWith(TUTOR + "\n\n" + MemoryPreamble.SUMMARY_HEADING + "\nEcho: ");
                previousSummary = system.substring((TUTOR + "\n\n" + MemoryPreamble.SUMMARY_HEADING + "\n").length());
            } else {
                assertThat(body.get("model").asText()).isEqualTo(MODEL);
                assertThat(messages.get(0).get("content").asText()).startsWith(TUTOR);
                assertThat(messages.get(messages.size() - 1).get("content").asText()).isIn(QUESTIONS);
                assertThat(messages.size()).isLessThanOrEqualTo(1 + 6);
            }
        }
        SummaryState state = SummaryState.fromJson(store.getState("tutor", RunningSummary.STATE_KEY).orElseThrow()).orElseThrow();
        assertThat(state.summary()).isEqualTo(previousSummary);
        assertThat(state.throughSeq()).isEqualTo(17);
    }
}
