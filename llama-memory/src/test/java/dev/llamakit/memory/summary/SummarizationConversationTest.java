package dev.llamakit.memory.summary;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.InMemoryConversationStore;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.memory.running.MemoryPreamble;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.ScriptedChatModel;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.summarize.SummaryRequest;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code summarization} driving whole conversations: call counts, the cap, resuming, a failing summarizer. */
class SummarizationConversationTest {
    private static final String SYSTEM = "You are a terse assistant.";
    private static final ContextBudget BUDGET = new ContextBudget(1_500, 300);
    private static final Pattern FACT = Pattern.compile("fact-(\\d+)");

    private final ScriptedChatModel model = new ScriptedChatModel();
    private final DigestSummarizer summarizer = new DigestSummarizer();
    private final TokenCounter counter = new EstimatingTokenCounter();

    private Conversation conversation(MemoryStrategy memory, InMemoryConversationStore store, String id) {
        return Conversation.builder(model).id(id).model("Llama-3.3-8B-Instruct").systemPrompt(SYSTEM).memory(memory)
                .store(store).budget(BUDGET).tokenCounter(counter).build();
    }

    private static String turn(int t) {
        return "Turn " + t + " records fact-" + t + ": the " + (t % 2 == 0 ? "blue" : "green") + " crate holds " + (t * 7)
                + " bolts.";
    }

    private static SummarizationStrategy strategy(DigestSummarizer summarizer, int recentMessages, int maxTokens) {
        return SummarizationStrategy.builder(RunningSummary.builder(summarizer).batchMessages(6).maxTokens(maxTokens).build())
                .recentMessages(recentMessages).build();
    }

    @Test
    void aScripted200TurnConversationSummarizesInBatchesNeverPerTurnAndNeverTwice() {
        MemoryStrategy memory = SummarizationStrategy.builder(RunningSummary.builder(summarizer).batchMessages(6).maxTokens(64).build())
                .recentTokens(500).build();
        Conversation chat = conversation(memory, new InMemoryConversationStore(), "long");
        List<Integer> callsPerTurn = new ArrayList<>();
        long promptTokens = 0;
        long fullHistoryTokens = 0;
        for (int t = 0; t < 200; t++) {
            int historyTokens = counter.count(chat.transcript().messages());
            int before = summarizer.calls();
            chat.send(turn(t));
            callsPerTurn.add(summarizer.calls() - before);
            if (historyTokens + counter.count(dev.llamakit.chat.Message.user(turn(t))) <= 500) {
                assertThat(summarizer.calls()).as("no summary while the history fits, turn %d", t).isZero();
            }
            MemoryContext context = chat.lastContext().orElseThrow();
            assertThat(counter.count(context.messages())).isLessThanOrEqualTo(BUDGET.promptTokens());
            String system = context.messages().get(0).text();
            assertThat(system).startsWith(SYSTEM);
            if (system.contains(MemoryPreamble.SUMMARY_HEADING)) {
                String summary = system.substring(system.indexOf(MemoryPreamble.SUMMARY_HEADING) + MemoryPreamble.SUMMARY_HEADING.length() + 1);
                assertThat(counter.count(summary)).isLessThanOrEqualTo(64);
            }
            promptTokens += context.estimatedTokens();
            fullHistoryTokens += historyTokens + 40;
        }
        assertThat(callsPerTurn).allMatch(c -> c <= 1);
        assertThat(summarizer.calls()).isPositive().isLessThanOrEqualTo(400 / 6);
        assertThat(promptTokens).isLessThan(fullHistoryTokens / 5);

        // each fact went to the summarizer exactly once, in order, and each call built on the summary before it
        List<Integer> facts = new ArrayList<>();
        String previous = null;
        for (SummaryRequest r : summarizer.requests()) {
            Matcher m = FACT.matcher(r.text());
            while (m.find()) {
                facts.add(Integer.parseInt(m.group(1)));
            }
            assertThat(r.previousSummary()).isEqualTo(previous);
            assertThat(r.maxTokens()).isEqualTo(64);
            previous = DigestSummarizer.digest(r);
        }
        List<Integer> distinct = facts.stream().distinct().toList();
        // a fact appears twice in one request (the user turn and the reply repeating it), never in two requests
        assertThat(distinct).isSorted();
        assertThat(distinct.get(0)).isZero();
        assertThat(distinct).hasSize(distinct.get(distinct.size() - 1) + 1);
        assertThat(facts).hasSize(2 * distinct.size());
    }

    @Test
    void aResumedConversationContinuesTheStoredSummaryWithoutResummarizing() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        Conversation first = conversation(strategy(summarizer, 6, 64), store, "resume-me");
        for (int t = 0; t < 10; t++) {
            first.send(turn(t));
        }
        assertThat(summarizer.calls()).isEqualTo(3); // turns 3, 6 and 9: 6 messages each
        SummaryState stored = SummaryState.fromJson(store.getState("resume-me", RunningSummary.STATE_KEY).orElseThrow()).orElseThrow();
        assertThat(stored.throughSeq()).isEqualTo(17);

        DigestSummarizer later = new DigestSummarizer();
        Conversation resumed = conversation(strategy(later, 6, 64), store, "resume-me");
        resumed.send(turn(10));
        assertThat(later.calls()).isZero();
        assertThat(resumed.lastContext().orElseThrow().messages().get(0).text()).endsWith(stored.summary());
        assertThat(resumed.lastContext().orElseThrow().selectedSeqs()).containsExactly(18L, 19L, 20L);

        resumed.send(turn(11));
        resumed.send(turn(12));
        assertThat(later.calls()).isEqualTo(1);
        SummaryRequest next = later.requests().get(0);
        assertThat(next.previousSummary()).isEqualTo(stored.summary());
        assertThat(next.text()).startsWith("User: " + turn(9)).doesNotContain("fact-8:");
    }

    @Test
    void aLongSummaryIsCutAtASentenceToItsCap() {
        summarizer.replying(r -> "Alpha met Bravo on Monday to plan the move. Charlie paid 300 EUR for the crates on Tuesday. "
                + "Delta checked every invoice twice before Friday. Echo asked for the report by the end of the month.");
        Conversation chat = conversation(strategy(summarizer, 6, 32), new InMemoryConversationStore(), "cap");
        for (int t = 0; t < 4; t++) {
            chat.send(turn(t));
        }
        assertThat(summarizer.calls()).isEqualTo(1);
        String system = chat.lastContext().orElseThrow().messages().get(0).text();
        assertThat(system).isEqualTo(SYSTEM + "\n\n" + MemoryPreamble.SUMMARY_HEADING + "\n"
                + "Alpha met Bravo on Monday to plan the move. Charlie paid 300 EUR for the crates on Tuesday.");
        assertThat(counter.count("Alpha met Bravo on Monday to plan the move. Charlie paid 300 EUR for the crates on Tuesday."))
                .isLessThanOrEqualTo(32);
    }

    @Test
    void aFailingSummarizerDoesNotFailTheTurnAndIsRetriedAfterAnotherBatch() {
        Logger logger = (Logger) LoggerFactory.getLogger(RunningSummary.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            summarizer.replying(r -> {
                throw new IllegalStateException("summarizer is down");
            });
            Conversation chat = conversation(strategy(summarizer, 6, 64), new InMemoryConversationStore(), "failing");
            for (int t = 0; t < 6; t++) {
                chat.send(turn(t));
            }
            assertThat(summarizer.calls()).isEqualTo(1); // turn 3 failed; retried only after 6 more messages
            MemoryContext context = chat.lastContext().orElseThrow();
            assertThat(context.messages().get(0).text()).isEqualTo(SYSTEM);
            assertThat(context.selectedSeqs()).containsExactly(6L, 7L, 8L, 9L, 10L);
            assertThat(logs.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getFormattedMessage()).contains("conversation failing").contains("failed");
            });

            summarizer.replying(DigestSummarizer::digest);
            chat.send(turn(6));
            assertThat(summarizer.calls()).isEqualTo(2);
            SummaryRequest retry = summarizer.requests().get(1);
            assertThat(retry.text()).startsWith("User: " + turn(0)).contains(turn(3)).doesNotContain("fact-4");
            assertThat(chat.lastContext().orElseThrow().messages().get(0).text()).contains(MemoryPreamble.SUMMARY_HEADING);
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void oneStrategyServesManyConversationsInParallelAsIfAlone() throws Exception {
        SummarizationStrategy shared = strategy(summarizer, 6, 64);
        List<List<MemoryContext>> alone = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            alone.add(run(shared, c));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<MemoryContext>>> parallel = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                int conversation = c;
                parallel.add(pool.submit(() -> run(shared, conversation)));
            }
            for (int c = 0; c < 6; c++) {
                assertThat(parallel.get(c).get()).isEqualTo(alone.get(c));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private List<MemoryContext> run(MemoryStrategy memory, int conversation) {
        Conversation chat = Conversation.builder(new ScriptedChatModel()).id("c" + conversation).model("m").systemPrompt(SYSTEM)
                .memory(memory).budget(BUDGET).tokenCounter(new EstimatingTokenCounter()).build();
        List<MemoryContext> contexts = new ArrayList<>();
        for (int t = 0; t < 25 + conversation; t++) {
            chat.send(turn(t * (conversation + 1)));
            contexts.add(chat.lastContext().orElseThrow());
        }
        return contexts;
    }
}
