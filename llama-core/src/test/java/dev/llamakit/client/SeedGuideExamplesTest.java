package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.Message;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of the chat and conversation guide our users start from, in Java, against the test server. */
class SeedGuideExamplesTest {
    static final String KEY = "seed-guide-key-31415";
    static final String MODEL = "Llama-3.3-8B-Instruct";
    static final String SUMMARIZER = "You are a summarization assistant. Create concise summaries that capture the key points of the provided text.";
    static final String QA = "You are a precise question-answering assistant. When answering questions, use only the information "
            + "provided in the context. If the answer cannot be determined from the context, say so.";
    static final String CLIMATE = "Climate change is one of the most pressing challenges of our time. It refers to long-term shifts in "
            + "temperatures and weather patterns, mainly caused by human activities, especially the burning of fossil fuels.";
    static final String EIFFEL = "The Eiffel Tower is a wrought-iron lattice tower located on the Champ de Mars in Paris, France.\n"
            + "The tower is 330 meters (1,083 ft) tall, about the same height as an 81-story building, and the tallest structure in Paris.";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private LlamaClient client() {
        return LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build();
    }

    @Test
    void discoversAvailableModels() {
        List<Model> models = client().models();
        assertThat(models).isNotEmpty();
        assertThat(models).allSatisfy(m -> {
            assertThat(m.id()).isNotBlank();
            assertThat(m.ownedBy()).isNotBlank();
        });
        assertThat(extension.server().takeRequest().header("Authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void simpleConversationWithASystemPrompt() {
        extension.server().enqueue(ScriptedReply.text("The capital of France is Paris."));
        ChatResponse response = client().chat(ChatRequest.builder()
                .model(MODEL)
                .addMessage(Message.system("You are a helpful assistant that provides concise answers."))
                .addMessage(Message.user("What is the capital of France?"))
                .maxCompletionTokens(256)
                .build());
        assertThat(response.text()).isEqualTo("The capital of France is Paris.");
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(body.get("messages").get(1).get("content").asText()).isEqualTo("What is the capital of France?");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(256);
    }

    @Test
    void multiTurnLoopSendsTheWholeHistory() {
        LlamaClient client = client();
        List<Message> history = new ArrayList<>(List.of(Message.system("You are a friendly tutor.")));
        for (String question : List.of("What is a noun?", "Give me an example.", "And a verb?")) {
            history.add(Message.user(question));
            ChatResponse reply = client.chat(ChatRequest.builder().model(MODEL).messages(history).build());
            history.add(reply.message());
        }
        assertThat(history).hasSize(7);
        JsonNode lastRequest = extension.server().requests().get(2).json();
        assertThat(lastRequest.get("messages")).hasSize(6);
        assertThat(lastRequest.get("messages").get(2).get("role").asText()).isEqualTo("assistant");
        assertThat(lastRequest.get("messages").get(2).get("content").asText()).isEqualTo(history.get(2).text());
    }

    @Test
    void summarizeText() {
        extension.server().enqueue(ScriptedReply.text("Human activity drives climate change; mitigation and adaptation are needed."));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL)
                .addMessage(Message.system(SUMMARIZER))
                .addMessage(Message.user("Summarize the following text in a concise manner:\n\n" + CLIMATE))
                .maxCompletionTokens(150)
                .build());
        assertThat(response.text()).startsWith("Human activity drives climate change");
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo(SUMMARIZER);
        assertThat(body.get("messages").get(1).get("content").asText()).endsWith(CLIMATE);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(150);
    }

    @Test
    void customSummarizeWithAnInstruction() {
        String instruction = "Summarize the following text in 3 bullet points focusing on solutions mentioned.";
        client().chat(ChatRequest.builder().model(MODEL)
                .addMessage(Message.system(SUMMARIZER))
                .addMessage(Message.user(instruction + "\n\nText to process:\n" + CLIMATE))
                .maxCompletionTokens(200)
                .build());
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("messages").get(1).get("content").asText()).startsWith(instruction + "\n\nText to process:\n");
    }

    @Test
    void answerAQuestionFromContextOnly() {
        extension.server().enqueue(ScriptedReply.text("The Eiffel Tower is 330 meters (1,083 ft) tall."));
        ChatResponse response = client().chat(ChatRequest.builder().model(MODEL)
                .addMessage(Message.system(QA))
                .addMessage(Message.user("Context:\n" + EIFFEL + "\n\nQuestion: How tall is the Eiffel Tower?"))
                .maxCompletionTokens(150)
                .build());
        assertThat(response.text()).contains("330 meters");
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("messages").get(0).get("content").asText()).contains("use only the information provided in the context");
        assertThat(body.get("messages").get(1).get("content").asText()).startsWith("Context:\n").endsWith("Question: How tall is the Eiffel Tower?");
    }
}
