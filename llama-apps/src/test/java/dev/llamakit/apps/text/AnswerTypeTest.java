package dev.llamakit.apps.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class AnswerTypeTest {
    @Test
    void readsWhatKindOfAnswerAQuestionAsksFor() {
        assertThat(AnswerType.expects("How many retries does the client make?")).containsExactly(AnswerType.NUMBER);
        assertThat(AnswerType.expects("How long does it wait before giving up?")).containsExactly(AnswerType.DURATION);
        assertThat(AnswerType.expects("What is the default timeout?"))
                .containsExactly(AnswerType.DURATION, AnswerType.DEFAULT);
        assertThat(AnswerType.expects("Which exception tells me the reply did not match?"))
                .containsExactly(AnswerType.EXCEPTION);
        assertThat(AnswerType.expects("Why are conversations stored as JSON lines?")).containsExactly(AnswerType.REASON);
        assertThat(AnswerType.expects("Where does it look for the file?")).containsExactly(AnswerType.PLACE);
        assertThat(AnswerType.expects("Which Node.js version is required?")).containsExactly(AnswerType.VERSION);
        assertThat(AnswerType.expects("Which memory strategy do I get if I don't choose one?"))
                .containsExactly(AnswerType.DEFAULT);
        assertThat(AnswerType.expects("Which log level does it use when I set nothing?")).isEmpty();
        assertThat(AnswerType.expects("How do I stream a chat completion?")).isEmpty();
    }

    @Test
    void tellsWhetherASentenceSaysThatKindOfThing() {
        assertThat(AnswerType.NUMBER.isMetBy("It keeps the last 10 messages.")).isTrue();
        assertThat(AnswerType.NUMBER.isMetBy("It keeps the last messages.")).isFalse();
        assertThat(AnswerType.NUMBER.isMetBy("Call parse() first.")).isFalse();
        assertThat(AnswerType.DURATION.isMetBy("The connect timeout is 5 s.")).isTrue();
        assertThat(AnswerType.DURATION.isMetBy("It retries 5 shards.")).isFalse();
        assertThat(AnswerType.DURATION.isMetBy("It makes one summary call per 8 turns.")).isTrue();
        assertThat(AnswerType.EXCEPTION.isMetBy("A mismatch throws StructuredOutputException.")).isTrue();
        assertThat(AnswerType.EXCEPTION.isMetBy("A mismatch is reported.")).isFalse();
        assertThat(AnswerType.VERSION.isMetBy("Tested against OpenSearch 2.19.6.")).isTrue();
        assertThat(AnswerType.DEFAULT.isMetBy("With no options it keeps the last 10 messages.")).isTrue();
        assertThat(AnswerType.DEFAULT.isMetBy("When none is set, the Llama API uses Llama-3.3-8B-Instruct.")).isTrue();
        assertThat(AnswerType.PLACE.isMetBy("The index goes to .llama-index under the current folder.")).isTrue();
    }

    @Test
    void onlyTheCrispKindsAreStrict() {
        assertThat(AnswerType.NUMBER.isStrict()).isTrue();
        assertThat(AnswerType.EXCEPTION.isStrict()).isTrue();
        assertThat(AnswerType.REASON.isStrict()).isFalse();
        assertThat(AnswerType.DEFAULT.isStrict()).isFalse();
    }

    @Test
    void rejectsNull() {
        assertThatNullPointerException().isThrownBy(() -> AnswerType.expects(null));
        assertThatNullPointerException().isThrownBy(() -> AnswerType.NUMBER.isMetBy(null));
    }
}
