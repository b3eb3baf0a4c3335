package dev.llamakit.memory.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.summarize.Summarizer;
import dev.llamakit.summarize.SummaryRequest;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 14, item 6: summaries never skip text, batches fit the summarizer's context, state writes stay bounded. */
class SummaryCoverageTest {
    private final TokenCounter counter = new EstimatingTokenCounter();

    /** A pasted document of about {@code tokens} tokens, each sentence numbered, so that a lost part shows. */
    private static String document(int sentences) {
        StringBuilder sb = new StringBuilder("Here is the contract to review. ");
        for (int i = 0; i < sentences; i++) {
            sb.append("Clause s").append(i).append(" says the vendor ships crates to the Oslo depot every week. ");
        }
        return sb.append("FINAL-CLAUSE ends the document.").toString();
    }

    private static final class CountingState implements StrategyState {
        final Map<String, String> values = new HashMap<>();
        int puts;

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(values.get(key));
        }

        @Override
        public void put(String key, String value) {
            puts++;
            values.put(key, value);
        }
    }

    private MemoryInput input(List<Message> messages, StrategyState state) {
        return new MemoryInput("doc", new SystemMessage("Be brief."), Transcript.ofMessages(messages),
                new ContextBudget(40_000, 1_000), counter, state);
    }

    @Test
    void anOversizeUnitIsSummarizedInPartsUpToItsLastSentence() {
        String doc = document(1_000);
        assertThat(counter.count(doc)).isGreaterThan(12_000);
        DigestSummarizer summarizer = new DigestSummarizer();
        RunningSummary running = RunningSummary.builder(summarizer).batchMessages(2).build();
        SummarizationStrategy strategy = SummarizationStrategy.builder(running).recentTokens(2_000).build();
        List<Message> messages = new ArrayList<>(List.of(Message.user(doc), Message.assistant("Noted, I read it.")));
        StrategyState state = StrategyState.inMemory();
        for (int t = 0; t < 6; t++) {
            messages.add(Message.user("Question " + t + " about the contract?"));
            strategy.select(input(messages, state));
            messages.add(Message.assistant("Answer " + t + "."));
        }
        SummaryState after = SummaryState.fromJson(state.get(RunningSummary.STATE_KEY).orElseThrow()).orElseThrow();
        assertThat(after.throughSeq()).as("the document is marked covered").isGreaterThanOrEqualTo(0);
        StringBuilder read = new StringBuilder();
        for (SummaryRequest r : summarizer.requests()) {
            assertThat(counter.count(r.text())).isLessThanOrEqualTo(running.batchMaxTokens());
            read.append(r.text()).append('\n');
        }
        assertThat(summarizer.calls()).isGreaterThan(1);
        for (int i = 0; i < 1_000; i += 37) {
            assertThat(read).as("clause s%d was given to the summarizer", i).contains("Clause s" + i + " says");
        }
        assertThat(read).contains("FINAL-CLAUSE ends the document.");
    }

    @Test
    void batchMaxTokensFollowsTheSummarizersContext() {
        Summarizer s = new DigestSummarizer();
        RunningSummary defaults = RunningSummary.builder(s).build();
        assertThat(defaults.batchMaxTokens()).isEqualTo(8_192 - 2 * 256 - RunningSummary.SUMMARY_PROMPT_OVERHEAD);
        RunningSummary small = RunningSummary.fromOptions("summarization", ProviderOptions.builder()
                .service(Summarizer.class, s).put("summary-context-tokens", "4096").put("summary-max-tokens", "200").build());
        assertThat(small.batchMaxTokens()).isEqualTo(4_096 - 400 - RunningSummary.SUMMARY_PROMPT_OVERHEAD);
        assertThatThrownBy(() -> RunningSummary.fromOptions("summarization", ProviderOptions.builder()
                .service(Summarizer.class, s).put("batch-max-tokens", "8000").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch-max-tokens").hasMessageContaining("summary-context-tokens");
        RunningSummary large = RunningSummary.fromOptions("summarization", ProviderOptions.builder()
                .service(Summarizer.class, s).put("summary-context-tokens", "131072").put("batch-max-tokens", "8000").build());
        assertThat(large.batchMaxTokens()).isEqualTo(8_000);
    }

    @Test
    void aFailingSummarizerWritesNoStateAndRetriesAfterABatch() {
        DigestSummarizer summarizer = new DigestSummarizer().replying(r -> {
            throw new IllegalStateException("down");
        });
        RunningSummary running = RunningSummary.builder(summarizer).batchMessages(4).build();
        SummarizationStrategy strategy = SummarizationStrategy.builder(running).recentTokens(200).build();
        CountingState state = new CountingState();
        List<Message> messages = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            messages.add(Message.user("Question " + t + " about crate " + t + " and the Oslo depot schedule?"));
            strategy.select(input(messages, state));
            messages.add(Message.assistant("Crate " + t + " holds " + (3 * t) + " bolts for the Oslo depot."));
        }
        assertThat(summarizer.calls()).as("retried every 4 messages, not every turn").isBetween(15, 21);
        assertThat(state.puts).as("state writes after %d failures", summarizer.calls()).isZero();

        summarizer.replying(DigestSummarizer::digest);
        int callsBefore = summarizer.calls();
        for (int t = 40; t < 60; t++) {
            messages.add(Message.user("Question " + t + " about crate " + t + " and the Oslo depot schedule?"));
            strategy.select(input(messages, state));
            messages.add(Message.assistant("Crate " + t + " holds " + (3 * t) + " bolts for the Oslo depot."));
        }
        assertThat(state.puts).as("one write per summary that moved on").isEqualTo(summarizer.calls() - callsBefore)
                .isPositive();
    }
}
