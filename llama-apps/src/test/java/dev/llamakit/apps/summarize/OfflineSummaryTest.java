package dev.llamakit.apps.summarize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.tokens.EstimatingTokenCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Extractive summaries of real documentation: sized to the input, per section, never code, following "N bullets about X". */
class OfflineSummaryTest {
    static final TextSummarizer OFFLINE = TextSummarizer.of(new ExtractiveSummarizer());

    static String allDocs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../docs"))) {
            List<Path> md = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
            StringBuilder sb = new StringBuilder();
            for (Path p : md) {
                sb.append(Files.readString(p)).append("\n\n");
            }
            return sb.toString();
        }
    }

    /** Every line of the fenced code blocks of {@code markdown}, stripped. */
    static List<String> codeLines(String markdown) {
        List<String> out = new java.util.ArrayList<>();
        boolean in = false;
        for (String line : markdown.split("\n")) {
            String s = line.strip();
            if (s.startsWith("```")) {
                in = !in;
            } else if (in && s.length() > 12) {
                out.add(s);
            }
        }
        return out;
    }

    static String withoutCodeBlocks(String markdown) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : markdown.split("\n")) {
            if (line.strip().startsWith("```")) {
                in = !in;
            } else if (!in) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void aLongMarkdownTextIsSummarizedPerSectionAndSizedToIt() throws IOException {
        String docs = allDocs();
        SummaryResult r = OFFLINE.summarize(docs, null);
        int tokens = new EstimatingTokenCounter().count(r.summary());
        assertThat(tokens).as(r.summary()).isGreaterThan(TextSummarizer.DEFAULT_SUMMARY_TOKENS * 3);
        // one block per document (their '# ' titles are the highest level that occurs twice)
        assertThat(r.summary()).contains("The client (`llama-core`)").contains("Embeddings").contains("Conversations and memory");
        String flat = docs.replaceAll("\\s+", " ");
        for (String code : codeLines(docs)) {
            assertThat(r.summary()).doesNotContain(code.replaceAll("\\s+", " "));
        }
        assertThat(flat).isNotEmpty();
        // a short text still gets the seed's short summary
        String client = Files.readString(Path.of("../docs/client.md"));
        SummaryResult one = OFFLINE.summarize(client, null);
        assertThat(new EstimatingTokenCounter().count(one.summary())).isLessThan(tokens);
    }

    @Test
    void threeBulletPointsAboutRetriesAreThreeProseBulletsAboutRetries() throws IOException {
        String docs = allDocs();
        SummaryResult r = OFFLINE.summarize(docs, "3 bullet points about retries");
        List<String> bullets = r.summary().lines().toList();
        assertThat(bullets).as(r.summary()).hasSize(3).allSatisfy(b -> {
            assertThat(b).startsWith("- ");
            assertThat(b.toLowerCase(Locale.ROOT)).contains("retr");
        });
        // each bullet is a sentence of the prose, outside the code blocks (transcripts in them may quote prose too)
        String prose = withoutCodeBlocks(docs).replaceAll("\\s+", " ");
        for (String b : bullets) {
            assertThat(prose).contains(b.substring(2));
            assertThat(b).doesNotEndWith(";").doesNotEndWith("{").doesNotEndWith(")");
        }
    }

    @Test
    void aCodeBlockCutBetweenTwoMapPartsStaysCode() {
        // parts of 200 tokens: the console block below is cut in the middle, and its second half used to be read as
        // prose (its lines then outranked the real sentences)
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            text.append("The store writes every record of a conversation to its own file before it answers the caller. ");
        }
        text.append("\n\n```console\n");
        for (int i = 0; i < 40; i++) {
            text.append("you> tell me a long story number ").append(i).append(" about the store and the file\n");
        }
        text.append("```\n\n");
        for (int i = 0; i < 12; i++) {
            text.append("The index keeps its manifest inside its own commits and resumes an interrupted run. ");
        }
        TextSummarizer small = TextSummarizer.builder(new ExtractiveSummarizer()).chunkTokens(200).build();
        SummaryResult r = small.summarize(text.toString(), null);
        assertThat(r.chunks()).isGreaterThan(2);
        assertThat(r.summary()).doesNotContain("you>").isNotBlank();
    }

    @Test
    void codeIsNeverSummarizedAsProse() {
        String text = "# Setup\n\nThe tool reads its settings from a file in your home folder. It never writes there.\n\n"
                + "```java\nSettings settings = Settings.load(Path.of(\"settings.json\"));\nsettings.apply(client);\n```\n\n"
                + "$ ./tool run --config settings.json --verbose\n\n"
                + "Run it once to create the file; edit the file to change the defaults.\n";
        String summary = new ExtractiveSummarizer().summarize(new dev.llamakit.summarize.SummaryRequest(text, null, 200, null));
        assertThat(summary).contains("settings from a file").doesNotContain("Settings.load").doesNotContain("./tool run");
    }

    @Test
    void offlineSummariesOfTextsOverTheirLimitGoInPieces() throws java.io.IOException {
        String text = "Retries wait longer each time the server is busy. ".repeat(200);
        TextSummarizer small = TextSummarizer.builder(new ExtractiveSummarizer()).offlineMaxTokens(1_000)
                .chunkTokens(100).build();
        SummaryResult whole = small.summarize(text, null);
        assertThat(whole.summary()).startsWith("Retries wait longer each time the server is busy.");
        assertThat(whole.chunks()).as("pieces").isGreaterThan(10);
        java.util.List<Integer> done = new java.util.ArrayList<>();
        SummaryResult streamed = small.summarizeInPieces(new java.io.StringReader(text), text.length(), null,
                new TextSummarizer.Listener() {
                    @Override
                    public void partSummarized(int level, int d, int total) {
                        assertThat(total).isGreaterThanOrEqualTo(d);
                        done.add(d);
                    }
                });
        assertThat(streamed).isEqualTo(whole);
        // the pieces, one by one (then the levels of the last map-reduce, if any)
        assertThat(done.subList(0, whole.chunks())).startsWith(1, 2, 3).endsWith(whole.chunks());

        // a code block cut between two pieces stays code in both: never summarized as prose
        String withCode = "The tool reads its settings from a file in your home folder. ".repeat(40) + "\n\n```\n"
                + "settings.apply(client); // a line of code that reads like words in a sentence\n".repeat(40) + "```\n\n"
                + "Run the tool once to create the file and edit it to change the defaults. ".repeat(40);
        assertThat(small.summarize(withCode, null).summary()).doesNotContain("settings.apply").contains("home folder");
        // no token budget offline: nothing is paid for
        TextSummarizer tinyBudget = TextSummarizer.builder(new ExtractiveSummarizer()).chunkTokens(200).budgetTokens(10).build();
        assertThat(tinyBudget.summarize(text, null).summary()).isNotBlank();
        assertThat(MarkdownSections.split("no headings").stream().map(MarkdownSections.Section::heading)
                .collect(Collectors.toList())).containsExactly("");
    }
}
