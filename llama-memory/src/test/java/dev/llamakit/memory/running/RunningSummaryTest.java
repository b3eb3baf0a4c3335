package dev.llamakit.memory.running;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ContentPart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.summary.SummarizationStrategy;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The running summary and the summarization strategy's selection, one rule at a time. */
class RunningSummaryTest {
    private static final Instant T = Instant.parse("2026-05-01T00:00:00Z");
    private final DigestSummarizer summarizer = new DigestSummarizer();
    private final TokenCounter counter = new EstimatingTokenCounter();

    private MemoryInput input(Transcript transcript, int promptTokens, StrategyState state) {
        return input(transcript, promptTokens, state, counter);
    }

    private static MemoryInput input(Transcript transcript, int promptTokens, StrategyState state, TokenCounter counter) {
        return new MemoryInput("test", new SystemMessage("Be brief."), transcript, new ContextBudget(promptTokens + 100, 100),
                counter, state);
    }

    private static Transcript turns(int count) {
        List<Message> messages = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            messages.add(Message.user("Question " + t + " about crate " + t + "?"));
            messages.add(Message.assistant("Crate " + t + " holds " + (t * 3) + " bolts."));
        }
        messages.add(Message.user("And now?"));
        return Transcript.ofMessages(messages);
    }

    @Test
    void rendersUserAssistantToolCallsAndResultsAsCompactText() {
        Transcript transcript = Transcript.ofMessages(List.of(
                Message.user("Book a table for 2."),
                AssistantMessage.ofToolCalls(List.of(new ToolCall("c1", "book", "{ \"people\": 2,\n \"time\": \"19:00\" }"),
                        new ToolCall("c2", "notify", "not json  at\nall"))),
                Message.tool("c1", "confirmed #88"),
                Message.tool("c2", "sent"),
                Message.assistant("Booked, confirmation #88."),
                new UserMessage(List.of(ContentPart.text("Is this the place?"), ContentPart.imageUrl("https://example.org/a.jpg"))),
                Message.assistant("Yes."),
                Message.user("Thanks!")));
        SummarizationStrategy strategy = SummarizationStrategy.builder(RunningSummary.builder(summarizer).batchMessages(2).build())
                .recentMessages(2).build();
        strategy.select(input(transcript, 2_000, StrategyState.inMemory()));
        assertThat(summarizer.requests()).singleElement().satisfies(r -> assertThat(r.text()).isEqualTo("""
                User: Book a table for 2.
                Assistant called book {"people":2,"time":"19:00"}
                Assistant called notify not json at all
                Tool result (book): confirmed #88
                Tool result (notify): sent
                Assistant: Booked, confirmation #88.
                User: Is this the place? [1 image]
                Assistant: Yes."""));
    }

    @Test
    void batchesEndBeforeAUserTurnAndCoverAtLeastBatchMessages() {
        StrategyState state = StrategyState.inMemory();
        SummarizationStrategy strategy = SummarizationStrategy.builder(RunningSummary.builder(summarizer).batchMessages(3).build())
                .recentMessages(5).build();
        MemoryContext c = strategy.select(input(turns(5), 2_000, state));
        // 11 messages, at most 5 verbatim: at least 6 go, and the batch ends before a question: 6 (three turns)
        assertThat(summarizer.calls()).isEqualTo(1);
        assertThat(summarizer.requests().get(0).text().lines()).hasSize(6);
        assertThat(c.selectedSeqs()).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(SummaryState.fromJson(state.get(RunningSummary.STATE_KEY).orElseThrow()).orElseThrow().throughSeq()).isEqualTo(5);
    }

    @Test
    void aBacklogIsCaughtUpOneBoundedCallPerTurn() {
        StrategyState state = StrategyState.inMemory();
        SummarizationStrategy strategy = SummarizationStrategy.builder(RunningSummary.builder(summarizer).batchMessages(4)
                .batchMaxTokens(100).build()).recentMessages(4).build();
        Transcript transcript = turns(40);
        strategy.select(input(transcript, 2_000, state));
        assertThat(summarizer.calls()).isEqualTo(1);
        assertThat(counter.count(summarizer.requests().get(0).text())).isLessThanOrEqualTo(100);
        strategy.select(input(transcript, 2_000, state));
        assertThat(summarizer.calls()).isEqualTo(2);
        assertThat(summarizer.requests().get(1).text()).doesNotContain("Question 0 ");
        assertThat(summarizer.requests().get(1).previousSummary()).isEqualTo(DigestSummarizer.digest(summarizer.requests().get(0)));
    }

    @Test
    void readsOnlyWhatFollowsTheSummaryOnALongTranscript() {
        Transcript transcript = turns(5_000);
        long through = transcript.size() - 8L; // an assistant reply: units after it are uncovered
        StrategyState state = StrategyState.inMemory();
        state.put(RunningSummary.STATE_KEY, new SummaryState("Crates were counted.", through,
                RunningSummary.anchor(transcript.get((int) through).message()), -1).toJson());
        AtomicInteger counted = new AtomicInteger();
        TokenCounter counting = new TokenCounter() {
            @Override
            public int count(String text) {
                return counter.count(text);
            }

            @Override
            public int count(Message message) {
                counted.incrementAndGet();
                return counter.count(message);
            }
        };
        MemoryContext c = SummarizationStrategy.of(summarizer).select(input(transcript, 2_000, state, counting));
        assertThat(summarizer.calls()).isZero();
        assertThat(c.selectedSeqs()).hasSize(7);
        assertThat(c.messages().get(0).text()).endsWith("Crates were counted.");
        assertThat(counted.get()).isLessThan(40);
    }

    @Test
    void aStateThatDoesNotBelongToTheTranscriptIsIgnored() {
        Transcript transcript = turns(3);
        RunningSummary running = RunningSummary.builder(summarizer).build();
        StrategyState state = StrategyState.inMemory();
        state.put(RunningSummary.STATE_KEY, "{not json");
        assertThat(running.load(input(transcript, 1_000, state))).isEqualTo(SummaryState.EMPTY);
        state.put(RunningSummary.STATE_KEY, new SummaryState("s", 99, "x", -1).toJson());
        assertThat(running.load(input(transcript, 1_000, state))).isEqualTo(SummaryState.EMPTY);
        state.put(RunningSummary.STATE_KEY, new SummaryState("s", 1, "wrong-anchor", -1).toJson());
        assertThat(running.load(input(transcript, 1_000, state))).isEqualTo(SummaryState.EMPTY);
        SummaryState good = new SummaryState("s \"quoted\"\nline", 1, RunningSummary.anchor(transcript.get(1).message()), 7);
        state.put(RunningSummary.STATE_KEY, good.toJson());
        assertThat(running.load(input(transcript, 1_000, state))).isEqualTo(good);
    }

    @Test
    void withoutASystemMessageTheSummaryIsOneDerivedSystemMessage() {
        SummarizationStrategy strategy = SummarizationStrategy.builder(RunningSummary.builder(summarizer).batchMessages(2).build())
                .recentMessages(3).build();
        MemoryContext c = strategy.select(new MemoryInput("t", null, turns(3), new ContextBudget(2_100, 100), counter,
                StrategyState.inMemory()));
        assertThat(c.derivedMessages()).isEqualTo(1);
        assertThat(c.messages().get(0)).isInstanceOf(SystemMessage.class);
        assertThat(c.messages().get(0).text()).startsWith(MemoryPreamble.SUMMARY_HEADING + "\nDigest ");
        assertThat(c.messages()).hasSize(1 + c.selectedSeqs().size());
    }

    @Test
    void pinnedMessagesThatWereSummarizedComeBackWhenThereIsRoom() {
        List<TranscriptEntry> entries = new ArrayList<>();
        entries.add(new TranscriptEntry(0, Message.user("Always answer in French."), T, Set.of(EntryFlag.PINNED), null));
        entries.add(TranscriptEntry.of(1, Message.assistant("D'accord."), T));
        Transcript rest = turns(6);
        for (TranscriptEntry e : rest.entries()) {
            entries.add(TranscriptEntry.of(entries.size(), e.message(), T));
        }
        SummarizationStrategy strategy = SummarizationStrategy.builder(RunningSummary.builder(summarizer).batchMessages(4).build())
                .recentMessages(4).build();
        MemoryContext c = strategy.select(input(Transcript.of(entries), 2_000, StrategyState.inMemory()));
        assertThat(summarizer.calls()).isEqualTo(1);
        assertThat(summarizer.requests().get(0).text()).startsWith("User: Always answer in French.");
        assertThat(c.selectedSeqs()).startsWith(0L).doesNotContain(1L);
        assertThat(c.messages().get(1).text()).isEqualTo("Always answer in French.");
    }

    @Test
    void truncatesAtSentencesThenWords() {
        assertThat(TokenTruncation.truncate("  short.  ", 10, counter)).isEqualTo("short.");
        String sentences = "One two three four five. Six seven eight nine ten. Eleven twelve thirteen fourteen fifteen.";
        assertThat(TokenTruncation.truncate(sentences, 13, counter)).isEqualTo("One two three four five. Six seven eight nine ten.");
        String words = "one two three four five six seven eight nine ten eleven twelve";
        String cut = TokenTruncation.truncate(words, 5, counter);
        assertThat(cut).isEqualTo("one two three\u2026"); // "four…" would make 21 bytes: 6 estimated tokens
        assertThat(counter.count(cut)).isLessThanOrEqualTo(5);
        assertThat(TokenTruncation.truncate(words, 0, counter)).isEmpty();
    }

    /**
     * Issue 14: {@code hierarchical} keeps the parsed state per conversation instead of parsing it every turn; the memo
     * gives what a fresh load gives, and is dropped when the stored value or the transcript under it changes.
     */
    @Test
    void theLoadMemoFollowsTheStoredValueAndTheTranscript() {
        RunningSummary running = RunningSummary.builder(summarizer).build();
        RunningSummary.LoadMemo memo = new RunningSummary.LoadMemo();
        StrategyState state = StrategyState.inMemory();
        Transcript transcript = turns(10);
        assertThat(running.load(input(transcript, 1000, state), memo)).isEqualTo(SummaryState.EMPTY);

        SummaryState first = new SummaryState("First summary.", 3, RunningSummary.anchor(transcript.get(3).message()), -1);
        state.put(RunningSummary.STATE_KEY, first.toJson());
        SummaryState loaded = running.load(input(transcript, 1000, state), memo);
        assertThat(loaded).isEqualTo(first);
        assertThat(running.load(input(transcript, 1000, state), memo)).as("kept, not parsed again").isSameAs(loaded);
        // the same transcript, extended: still the same state object
        Transcript longer = transcript.append(List.of(TranscriptEntry.of(transcript.size(), Message.assistant("Fine."), T)));
        assertThat(running.load(input(longer, 1000, state), memo)).isSameAs(loaded);

        // a new value in the store (a summary written by another Conversation on the same id) is read
        SummaryState second = new SummaryState("Second summary.", 7, RunningSummary.anchor(transcript.get(7).message()), -1);
        state.put(RunningSummary.STATE_KEY, second.toJson());
        assertThat(running.load(input(transcript, 1000, state), memo)).isEqualTo(second);

        // another transcript under the same id, whose boundary entry differs: the state does not belong to it
        Transcript other = Transcript.ofMessages(List.of(Message.user("a"), Message.assistant("b"), Message.user("c"),
                Message.assistant("d"), Message.user("e"), Message.assistant("f"), Message.user("g"), Message.assistant("h"),
                Message.user("i")));
        assertThat(running.load(input(other, 1000, state), memo)).isEqualTo(SummaryState.EMPTY);
        assertThat(running.load(input(other, 1000, state), null)).isEqualTo(SummaryState.EMPTY);
        // and back on the first transcript, the stored state is valid again
        assertThat(running.load(input(transcript, 1000, state), memo)).isEqualTo(second);
    }
}
