package dev.llamakit.apps.summarize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.summarize.SummaryRequest;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExtractiveSummarizerTest {
    static final String CLIMATE = "Climate change is one of the most pressing challenges of our time. It refers to long-term "
            + "shifts in temperatures and weather patterns, mainly caused by human activities, especially the burning of "
            + "fossil fuels. These activities produce heat-trapping gases such as carbon dioxide, methane, and nitrous oxide, "
            + "which warm the Earth's surface. The effects of climate change include rising sea levels, extreme weather events, "
            + "biodiversity loss, and threats to food security. Addressing climate change requires both mitigation strategies "
            + "to reduce greenhouse gas emissions and adaptation measures to adjust to the changes that are already occurring.";

    final ExtractiveSummarizer summarizer = new ExtractiveSummarizer();

    @Test
    void picksWholeSentencesOfTheTextInDocumentOrderWithinTheLimit() {
        String summary = summarizer.summarize(SummaryRequest.of(CLIMATE, 40));
        assertThat(new EstimatingTokenCounter().count(summary)).isLessThanOrEqualTo(40);
        assertThat(summary).isNotBlank();
        int previous = -1;
        for (String sentence : summary.split("(?<=\\.) ")) {
            int at = CLIMATE.indexOf(sentence);
            assertThat(at).as(sentence).isGreaterThan(previous);
            previous = at;
        }
        assertThat(summarizer.summarize(SummaryRequest.of(CLIMATE, 40))).isEqualTo(summary);
    }

    @Test
    void followsBulletCountsAndFocus() {
        String summary = summarizer.summarize(new SummaryRequest(CLIMATE,
                "Summarize the following text in 3 bullet points focusing on solutions mentioned.", 200, null));
        assertThat(summary.lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("- "));
        String two = summarizer.summarize(new SummaryRequest(CLIMATE, "In two sentences, focusing on mitigation strategies.", 200, null));
        assertThat(two).doesNotStartWith("- ").contains("mitigation strategies");
        assertThat(two.split("(?<=\\.) ")).hasSize(2);
    }

    @Test
    void textRankPrefersCentralSentences() {
        String text = "Bees pollinate crops. Bees make honey from nectar. Honey from bees is sold in markets. "
                + "The weather was cloudy on Tuesday.";
        String one = summarizer.summarize(new SummaryRequest(text, "one sentence", 100, null));
        assertThat(one).isEqualTo("Bees make honey from nectar.");
    }

    @Test
    void summarizesARealDocument() throws Exception {
        String text = Files.readString(Path.of("../docs/memory.md"));
        String summary = summarizer.summarize(SummaryRequest.of(text, 150));
        assertThat(new EstimatingTokenCounter().count(summary)).isBetween(20, 150);
        String flat = text.replaceAll("\\s+", " ");
        for (String sentence : summary.split("(?<=[.!?:]) ")) {
            assertThat(flat).contains(sentence);
        }
    }
}
