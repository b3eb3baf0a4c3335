package dev.llamakit.apps.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeadingsTest {

    private static List<String> headings(String text) {
        return Sentences.split(text).stream().filter(s -> Headings.isHeading(text, s)).map(Sentences.Sentence::text)
                .toList();
    }

    @Test
    void shortLinesStandingAloneAreHeadings() {
        String text = "Conversations and memory\n\nIntro sentence here. Another one.\n\n\"summarization\"\n\n"
                + "What it does. It sends recent turns word for word.\n\nHow summaries are persisted\n";
        assertThat(headings(text)).containsExactly("Conversations and memory", "\"summarization\"",
                "How summaries are persisted");
    }

    @Test
    void sentencesListItemsAndLongLinesAreNotHeadings() {
        String text = "What it does.\n\n- a list item\n\n| a | table |\n\n"
                + "one two three four five six seven eight nine ten eleven\n\n"
                + "A line\nthat continues on the next line\n";
        assertThat(headings(text)).isEmpty();
    }

    @Test
    void aLineInsideAParagraphIsNotAHeading() {
        String text = "First line of a paragraph\nsecond line of it\n";
        assertThat(headings(text)).isEmpty();
    }
}
