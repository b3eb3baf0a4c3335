package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.testkit.SyntheticGgufModel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** With random weights only llama.cpp's grammar (from the record's JSON schema) makes the reply parse. */
class LocalStructuredOutputTest {
    enum Level { LOW, MEDIUM, HIGH }

    /**
     * Bounded by the grammar: no free-form strings or arrays, so no seed can run into the token limit. llama.cpp's
     * grammar writes integers of up to 16 digits, which a {@code long} holds and an {@code int} may not.
     */
    record Verdict(boolean ok, Level level, long score) {
    }

    @TempDir
    static Path dir;
    static LocalChatModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LocalChatModel.builder(SyntheticGgufModel.builder().build().write(dir.resolve("m.gguf"))).threads(2).contextSize(256).load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void theGrammarForcesJsonThatParsesIntoTheRecord(int seed) {
        ChatRequest request = ChatRequest.builder().model("local").addMessage(Message.user("Judge: hello world"))
                .temperature(1.0).extraBody("seed", seed).build();
        Verdict verdict = model.chat(request, Verdict.class);
        assertThat(verdict.level()).isNotNull();
    }
}
