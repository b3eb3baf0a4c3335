package dev.llamakit.apps.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupportingSentencesTest {

    private static List<Sentences.Sentence> sentences(String... texts) {
        return java.util.Arrays.stream(texts).map(t -> new Sentences.Sentence(t, 0, t.length())).toList();
    }

    private static List<String> texts(List<SupportingSentences.Scored> scored) {
        return scored.stream().map(s -> s.sentence().text()).toList();
    }

    @Test
    void theSentenceCoveringTheQuestionComesFirst() {
        List<Sentences.Sentence> candidates = sentences("The tower is in Paris and was finished in 1889.",
                "The Eiffel Tower is 330 metres tall since the antenna was added.",
                "Paris has many museums and cafes along the river.");
        List<SupportingSentences.Scored> found = SupportingSentences.find(candidates, "How tall is the Eiffel Tower?",
                3, SupportingSentences.DEFAULT_MIN_COVERAGE);
        assertThat(texts(found)).first().asString().startsWith("The Eiffel Tower is 330 metres");
    }

    @Test
    void aQuestionAboutSomethingAbsentFindsNothing() {
        List<Sentences.Sentence> candidates = sentences("The tower is in Paris and was finished in 1889.",
                "Paris has many museums and cafes along the river.");
        assertThat(SupportingSentences.find(candidates, "What is the boiling point of mercury?", 3,
                SupportingSentences.DEFAULT_MIN_COVERAGE)).isEmpty();
    }

    @Test
    void theSectionHeadingCountsTowardCoverage() {
        List<Sentences.Sentence> candidates = sentences(
                "It sends recent turns word for word and folds older turns into a running summary.",
                "The cafe opens at nine and serves breakfast until noon every day.");
        String question = "How does the summarization memory work?";
        List<String> noContext = Collections.nCopies(2, "");
        assertThat(SupportingSentences.find(candidates, noContext, question, 3, 0.4)).isEmpty();

        List<String> contexts = List.of("Conversations and memory\nsummarization", "Opening hours\nbreakfast");
        assertThat(texts(SupportingSentences.find(candidates, contexts, question, 3, 0.4)))
                .containsExactly("It sends recent turns word for word and folds older turns into a running summary.");
    }

    @Test
    void sentencesQuotingTheQuestionOrCodeAreNeverSupport() {
        List<Sentences.Sentence> candidates = sentences(
                "Try it: llama rag ask \"How are summaries persisted?\" prints the answer.",
                "client.ask(\"summaries persisted\");",
                "The summaries are persisted in the store beside the messages of the conversation.");
        assertThat(texts(SupportingSentences.find(candidates, "How are summaries persisted?", 3, 0.4)))
                .containsExactly("The summaries are persisted in the store beside the messages of the conversation.");
    }

    @Test
    void oneContextPerCandidateIsRequired() {
        assertThatThrownBy(() -> SupportingSentences.find(sentences("One sentence here."), List.of(), "question", 1, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one context per candidate");
    }
}
