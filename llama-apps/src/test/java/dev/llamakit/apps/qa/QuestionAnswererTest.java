package dev.llamakit.apps.qa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QuestionAnswererTest {
    static final String KEY = "apps-key-2";
    static final String EIFFEL = """
            The Eiffel Tower is a wrought-iron lattice tower located on the Champ de Mars in Paris, France.
            It was named after the engineer Gustave Eiffel, whose company designed and built the tower from 1887 to 1889.
            It was initially criticized by some of France's leading artists and intellectuals for its design,
            but it has since become a global cultural icon of France and one of the most recognizable structures in the world.
            The Eiffel Tower is the most-visited paid monument in the world; 6.91 million people ascended it in 2015.
            The tower is 330 meters (1,083 ft) tall, about the same height as an 81-story building, and the tallest structure in Paris.
            """;

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    @Test
    void onlineUsesTheSeedsPrompts() {
        extension.server().enqueue(ScriptedReply.text("The Eiffel Tower is 330 meters (1,083 ft) tall."));
        QuestionAnswerer qa = QuestionAnswerer.withModel(
                LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build(), "Llama-3.3-8B-Instruct");
        Answer a = qa.answer(EIFFEL, "How tall is the Eiffel Tower?");
        assertThat(a).isEqualTo(new Answer("The Eiffel Tower is 330 meters (1,083 ft) tall.", false, java.util.List.of()));
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("You are a precise question-answering "
                + "assistant. When answering questions, use only the information provided in the context. If the answer "
                + "cannot be determined from the context, say so.");
        assertThat(body.get("messages").get(1).get("content").asText())
                .isEqualTo("Context:\n" + EIFFEL + "\n\nQuestion: How tall is the Eiffel Tower?");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(150);
    }

    @Test
    void offlineFindsTheSentenceThatAnswers() {
        Answer a = QuestionAnswerer.offline().answer(EIFFEL, "How tall is the Eiffel Tower?");
        assertThat(a.offline()).isTrue();
        assertThat(a.text()).isEqualTo("The tower is 330 meters (1,083 ft) tall, about the same height as an 81-story "
                + "building, and the tallest structure in Paris.");
        assertThat(a.support()).singleElement().satisfies(s -> assertThat(EIFFEL.substring(s.start(), s.end())).contains("330 meters"));
        Answer who = QuestionAnswerer.offline().answer(EIFFEL, "Who designed and built the tower?");
        assertThat(who.text()).contains("Gustave Eiffel");
    }

    @Test
    void offlineSaysWhenTheContextDoesNotAnswer() {
        QuestionAnswerer qa = QuestionAnswerer.offline();
        assertThat(qa.answer(EIFFEL, "Who is the mayor of London?").text()).isEqualTo(QuestionAnswerer.CANNOT_BE_DETERMINED);
        Answer color = qa.answer(EIFFEL, "What color is the Eiffel Tower painted?");
        assertThat(color.text()).isEqualTo("The answer cannot be determined from the context.");
        assertThat(color.support()).isEmpty();
        assertThat(qa.answer("", "How tall is it?").text()).isEqualTo(QuestionAnswerer.CANNOT_BE_DETERMINED);
    }
}
