package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsonGrammarTest {
    @BeforeAll
    static void natives() {
        NativeLibrary.load();
    }

    @Test
    void allowsAtMostOneSpaceBetweenJsonTokens() {
        String grammar = JsonGrammar.of("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]}");
        assertThat(grammar).contains("\n" + JsonGrammar.ONE_SPACE).doesNotContain("{0,20}").doesNotContain("\"\\n\"");
        assertThat(grammar).contains("root ::=");
    }

    @Test
    void aSchemaLlamaCppCannotConvertIsUnsupported() {
        assertThatThrownBy(() -> JsonGrammar.of("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/nowhere\"}}}"))
                .isInstanceOf(LocalModelException.class)
                .satisfies(e -> assertThat(((LocalModelException) e).reason()).isEqualTo(LocalModelException.Reason.UNSUPPORTED));
    }
}
