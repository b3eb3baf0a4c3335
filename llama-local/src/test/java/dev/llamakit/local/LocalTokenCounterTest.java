package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.testkit.SyntheticGgufModel;
import dev.llamakit.tokens.TokenCounter;
import dev.llamakit.tokens.TokenCounters;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTokenCounterTest {
    @TempDir
    static Path dir;
    static LocalChatModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LocalChatModel.builder(SyntheticGgufModel.builder().build().write(dir.resolve("m.gguf"))).contextSize(256).load();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theProviderIsRegisteredAndCountsWithTheModelsTokenizer() {
        assertThat(TokenCounters.available()).contains("local", "estimate");
        TokenCounter counter = TokenCounters.create("local", ProviderOptions.builder().service(LocalChatModel.class, model).build());
        assertThat(counter.count("hello world")).isEqualTo(model.countTokens("hello world")).isPositive();
        assertThat(counter.count("")).isZero();
    }

    @Test
    void aListIsCountedAsTheRenderedPromptAndAMessageWithTheTemplatesOverhead() {
        TokenCounter counter = model.tokenCounter();
        List<Message> messages = List.of(Message.system("Be brief."), Message.user("hello world"));
        assertThat(counter.count(messages)).isEqualTo(model.promptTokens(model.render(messages, List.of())));
        assertThat(counter.count(Message.user("hello world"))).isGreaterThan(counter.count("hello world"))
                // a message alone does not carry the prompt's fixed parts (begin-of-text, the reply's opening)
                .isLessThan(counter.count(List.of(Message.user("hello world"))));
        counter.calibrate(messages, 1_000);
        assertThat(counter.count(messages)).isEqualTo(model.promptTokens(model.render(messages, List.of())));
    }

    @Test
    void theProviderNeedsTheModel() {
        assertThatThrownBy(() -> TokenCounters.create("local", ProviderOptions.EMPTY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LocalChatModel");
    }
}
