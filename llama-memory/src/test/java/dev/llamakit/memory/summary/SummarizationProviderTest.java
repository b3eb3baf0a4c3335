package dev.llamakit.memory.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.client.ChatModel;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.ScriptedChatModel;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.summarize.Summarizer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummarizationProviderTest {
    private final DigestSummarizer summarizer = new DigestSummarizer();

    private static ProviderOptions.Builder withSummarizer(Summarizer s) {
        return ProviderOptions.builder().service(Summarizer.class, s);
    }

    @Test
    void isFoundByNameWithItsOptions() {
        assertThat(MemoryStrategies.available()).contains("summarization", "hierarchical");
        SummarizationProvider provider = new SummarizationProvider();
        assertThat(provider.name()).isEqualTo("summarization");
        assertThat(provider.description()).isNotBlank();
        assertThat(provider.optionKeys()).containsExactlyInAnyOrder("recent-tokens", "recent-messages", "batch-messages",
                "batch-max-tokens", "summary-max-tokens", "summary-model", "summary-context-tokens");
        MemoryStrategy s = MemoryStrategies.create("summarization", withSummarizer(summarizer)
                .put("recent-tokens", "900").put("recent-messages", "10").put("batch-messages", "4").put("summary-max-tokens", "128")
                .put("batch-max-tokens", "2000").build());
        assertThat(s).isInstanceOf(SummarizationStrategy.class);
        assertThat(s.name()).isEqualTo("summarization");
        assertThat(s.toString()).contains("recentTokens=900", "recentMessages=10", "maxTokens=128", "batchMessages=4", "batchMaxTokens=2000");
    }

    @Test
    void buildsAChatModelSummarizerFromAChatModelAndSummaryModel() {
        ChatModel model = request -> {
            throw new AssertionError("nothing is summarized at creation");
        };
        MemoryStrategy s = MemoryStrategies.create("summarization", ProviderOptions.builder().service(ChatModel.class, model)
                .put("summary-model", "Llama-3.3-8B-Instruct").build());
        assertThat(s).isInstanceOf(SummarizationStrategy.class);
    }

    @Test
    void failsClearlyWithoutASummarizer() {
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'summarization' needs a summarizer").hasMessageContaining("summary-model");
        ChatModel model = request -> null;
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", ProviderOptions.builder().service(ChatModel.class, model).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'summary-model'");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("summary-model", "m").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'summary-model'").hasMessageContaining("Summarizer");
    }

    @Test
    void rejectsBadOptionsNamingThem() {
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("summary-max-tokens", "lots").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'summary-max-tokens'");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("summary-max-tokens", "4").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'summary-max-tokens' must be at least 16");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("batch-messages", "0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'batch-messages'");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("recent-tokens", "0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'recent-tokens'");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("recent-messages", "3")
                .put("batch-messages", "4").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'recent-messages' (3)").hasMessageContaining("'batch-messages' (4)");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("recent-messages", "10")
                .put("batch-messages", "16").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'recent-messages' (10)").hasMessageContaining("'batch-messages' (16)");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("recent-messages", "0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'recent-messages'");
        assertThatThrownBy(() -> MemoryStrategies.create("summarization", withSummarizer(summarizer).put("recent-messags", "3").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recent-messags").hasMessageContaining("recent-messages");
    }

    /**
     * Issue 14: with the default batch of 6, every {@code recent-messages} of 6 or more was valid; the default of 16
     * rejected 6 to 15. Without an explicit {@code batch-messages} the batch now follows a smaller verbatim limit.
     */
    @Test
    void everyRecentMessagesValidWithTheFormerDefaultBatchStaysValid() {
        for (int recent = 6; recent <= 40; recent++) {
            MemoryStrategy s = MemoryStrategies.create("summarization", withSummarizer(summarizer)
                    .put("recent-messages", String.valueOf(recent)).build());
            assertThat(((SummarizationStrategy) s).runningSummary().batchMessages()).as("recent-messages=%d", recent)
                    .isEqualTo(Math.min(16, recent));
        }
        // the Java builder, which had the same default
        SummarizationStrategy built = SummarizationStrategy.builder(RunningSummary.builder(summarizer).build()).recentMessages(8).build();
        assertThat(built.runningSummary().batchMessages()).isEqualTo(8);
        assertThat(built.runningSummary().batchMessagesGiven()).isFalse();
        // the default configuration keeps the batch of 16
        assertThat(((SummarizationStrategy) MemoryStrategies.create("summarization", withSummarizer(summarizer).build()))
                .runningSummary().batchMessages()).isEqualTo(16);
        assertThat(((SummarizationStrategy) MemoryStrategies.create("summarization", withSummarizer(summarizer)
                .put("recent-messages", "10").put("batch-messages", "6").build())).runningSummary().batchMessages()).isEqualTo(6);
    }

    /** A formerly valid {@code recent-messages=8} (no batch given) runs: at most 8 messages verbatim, at most one call per turn. */
    @Test
    void aSmallRecentMessagesSummarizesWithinItsLimit() {
        MemoryStrategy memory = MemoryStrategies.create("summarization", withSummarizer(summarizer).put("recent-messages", "8").build());
        ScriptedChatModel model = new ScriptedChatModel();
        dev.llamakit.memory.Conversation chat = dev.llamakit.memory.Conversation.builder(model).model("m").systemPrompt("S.")
                .memory(memory).budget(new dev.llamakit.tokens.ContextBudget(4_000, 500)).build();
        for (int t = 0; t < 40; t++) {
            int before = summarizer.calls();
            chat.send("Turn " + t + " mentions fact-" + t + ".");
            assertThat(summarizer.calls() - before).isLessThanOrEqualTo(1);
            // system message + at most 8 verbatim messages
            assertThat(chat.lastContext().orElseThrow().messages()).hasSizeLessThanOrEqualTo(1 + 8);
        }
        // 80 messages, 8 kept verbatim: at least 72 folded in batches of at least 8 messages
        assertThat(summarizer.calls()).isBetween(1, 72 / 8 + 1);
    }
}
