package dev.llamakit.memory.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.memory.running.MemoryPreamble;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.tck.MemoryStrategyContract;
import dev.llamakit.tck.SampleTranscripts;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code summarization} keeps the memory-strategy contract, with its defaults and with a small verbatim window. */
class SummarizationContractTest extends MemoryStrategyContract {

    @Override
    protected MemoryStrategy strategy() {
        return SummarizationStrategy.of(new DigestSummarizer());
    }

    @Test
    void theContractTranscriptsAreActuallySummarizedAtSmallBudgets() {
        DigestSummarizer summarizer = new DigestSummarizer();
        MemoryContext c = SummarizationStrategy.of(summarizer).select(new MemoryInput("c", new SystemMessage("Be brief."),
                SampleTranscripts.conversation(80, 99), new ContextBudget(600 + 4_096, 4_096), new EstimatingTokenCounter(),
                StrategyState.inMemory()));
        assertThat(summarizer.calls()).isEqualTo(1);
        assertThat(c.messages().get(0).text()).startsWith("Be brief.\n\n" + MemoryPreamble.SUMMARY_HEADING + "\nDigest ");
    }

    /** A verbatim window of at most 8 messages, summarized 6 at a time into at most 64 tokens. */
    @Nested
    class WithASmallWindow extends MemoryStrategyContract {
        @Override
        protected MemoryStrategy strategy() {
            RunningSummary summary = RunningSummary.builder(new DigestSummarizer()).batchMessages(6).maxTokens(64).build();
            return SummarizationStrategy.builder(summary).recentMessages(8).recentTokens(400).build();
        }
    }
}
