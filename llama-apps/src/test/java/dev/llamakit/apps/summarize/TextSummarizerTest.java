package dev.llamakit.apps.summarize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.retrieval.Document;
import dev.llamakit.retrieval.chunk.SentenceChunker;
import dev.llamakit.summarize.ChatModelSummarizer;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.ScriptedReply;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TextSummarizerTest {
    static final String KEY = "apps-key-1";
    static final String MODEL = "Llama-3.3-8B-Instruct";

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(LlamaTestServer.builder().apiKey(KEY));

    private ChatModelSummarizer online() {
        return new ChatModelSummarizer(LlamaClient.builder().baseUrl(extension.server().baseUrl()).apiKey(KEY).build(), MODEL);
    }

    @Test
    void shortTextIsTheSeedsSummarizeTextCall() {
        extension.server().enqueue(ScriptedReply.text("Humans drive climate change."));
        SummaryResult r = TextSummarizer.of(online()).summarize(ExtractiveSummarizerTest.CLIMATE, null);
        assertThat(r).isEqualTo(new SummaryResult("Humans drive climate change.", false, 1, 1));
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo(ChatModelSummarizer.SYSTEM_PROMPT);
        assertThat(body.get("messages").get(1).get("content").asText())
                .isEqualTo("Summarize the following text in a concise manner:\n\n" + ExtractiveSummarizerTest.CLIMATE);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(150);
    }

    @Test
    void instructionIsTheSeedsCustomSummarizeCall() {
        String instruction = "Summarize the following text in 3 bullet points focusing on solutions mentioned.";
        TextSummarizer.of(online()).summarize(ExtractiveSummarizerTest.CLIMATE, instruction);
        JsonNode body = extension.server().takeRequest().json();
        assertThat(body.get("messages").get(1).get("content").asText())
                .isEqualTo(instruction + "\n\nText to process:\n" + ExtractiveSummarizerTest.CLIMATE);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(200);
    }

    @Test
    void longTextIsSummarizedMapReduce() throws Exception {
        String text = Files.readString(Path.of("../docs/retrieval.md"));
        int chunks = SentenceChunker.of(500, 0).chunk(Document.of("text", text)).size();
        assertThat(chunks).isGreaterThan(3);
        for (int i = 1; i <= chunks; i++) {
            extension.server().enqueue(ScriptedReply.text("Summary of part " + i + "."));
        }
        extension.server().enqueue(ScriptedReply.text("The final summary."));
        SummaryResult r = TextSummarizer.builder(online()).chunkTokens(500).build().summarize(text, null);
        assertThat(r).isEqualTo(new SummaryResult("The final summary.", false, chunks, chunks + 1));
        assertThat(extension.server().requests()).hasSize(chunks + 1);
        JsonNode first = extension.server().requests().get(0).json();
        assertThat(first.get("messages").get(1).get("content").asText()).startsWith("Summarize the following text in a concise manner:\n\n# Retrieval");
        assertThat(first.get("max_completion_tokens").asInt()).isEqualTo(125); // min(150, chunkTokens / 4)
        JsonNode last = extension.server().requests().get(chunks).json();
        assertThat(last.get("messages").get(1).get("content").asText())
                .startsWith("Summarize the following text in a concise manner:\n\nSummary of part 1.\n\nSummary of part 2.\n\n")
                .endsWith("Summary of part " + chunks + ".");
    }

    @Test
    void summariesThatDoNotFitAreSummarizedAgain() throws Exception {
        String text = Files.readString(Path.of("../docs/retrieval.md"));
        // no scripted replies: the server echoes the prompt, cut to max_completion_tokens words
        SummaryResult r = TextSummarizer.builder(online()).chunkTokens(300).build().summarize(text, "Be brief.");
        assertThat(r.chunks()).isGreaterThan(5);
        assertThat(r.summarizerCalls()).isGreaterThan(r.chunks() + 1).isEqualTo(extension.server().requests().size());
        JsonNode map = extension.server().requests().get(0).json();
        assertThat(map.get("messages").get(1).get("content").asText()).startsWith("This is part 1 of " + r.chunks() + " of a longer text.");
        JsonNode last = extension.server().requests().get(r.summarizerCalls() - 1).json();
        assertThat(last.get("messages").get(1).get("content").asText()).startsWith("Be brief.\n\nText to process:\n");
    }

    @Test
    void theBudgetIsCheckedBeforeAnyCall() throws Exception {
        String text = Files.readString(Path.of("../docs/retrieval.md"));
        TextSummarizer s = TextSummarizer.builder(online()).chunkTokens(500).budgetTokens(1_000).build();
        assertThatThrownBy(() -> s.summarize(text, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("budget of 1000 tokens");
        assertThat(extension.server().requests()).isEmpty();
    }

    @Test
    void offlineMapReduceOnRealText() throws Exception {
        String text = Files.readString(Path.of("../docs/retrieval.md"));
        TextSummarizer s = TextSummarizer.builder(new ExtractiveSummarizer()).chunkTokens(400).build();
        assertThat(s.isExtractive()).isTrue();
        SummaryResult r = s.summarize(text, "in 3 bullet points");
        assertThat(r.offline()).isTrue();
        assertThat(r.chunks()).isGreaterThan(3);
        assertThat(r.summarizerCalls()).isGreaterThan(r.chunks());
        assertThat(r.summary().lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("- "));
        assertThat(new EstimatingTokenCounter().count(r.summary())).isLessThanOrEqualTo(200);
        assertThat(TextSummarizer.of(online()).isExtractive()).isFalse();
        assertThatThrownBy(() -> s.summarize("  ", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
