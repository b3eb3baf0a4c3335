package dev.llamakit.apps.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesTest {

    @Test
    void splitsWithExactOffsets() {
        String text = "  The tower is tall. It was built in 1889!\nIs it old?  ";
        List<Sentences.Sentence> s = Sentences.split(text);
        assertThat(s).extracting(Sentences.Sentence::text)
                .containsExactly("The tower is tall.", "It was built in 1889!", "Is it old?");
        s.forEach(x -> assertThat(text.substring(x.start(), x.end())).isEqualTo(x.text()));
    }

    @Test
    void markdownHeadingsAndListItemsAreTheirOwnSentences() {
        String text = "# Title\nFirst sentence. Second one\n\n- item one\n- item two\nAfter.";
        assertThat(Sentences.split(text)).extracting(Sentences.Sentence::text)
                .containsExactly("# Title", "First sentence.", "Second one", "- item one", "- item two\nAfter.");
    }

    @Test
    void offsetsHoldOnRealText() throws Exception {
        String text = Files.readString(Path.of("../docs/memory.md"));
        List<Sentences.Sentence> s = Sentences.split(text);
        assertThat(s).hasSizeGreaterThan(20);
        int previousEnd = 0;
        for (Sentences.Sentence x : s) {
            assertThat(text.substring(x.start(), x.end())).isEqualTo(x.text());
            assertThat(x.start()).isGreaterThanOrEqualTo(previousEnd);
            previousEnd = x.end();
        }
        assertThat(Sentences.split("  \n ")).isEmpty();
        assertThat(Sentences.split(null)).isEmpty();
    }
}
