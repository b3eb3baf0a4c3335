package dev.llamakit.memory.hierarchical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.InMemoryConversationStore;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.StrategyState;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.running.DigestSummarizer;
import dev.llamakit.memory.running.MemoryPreamble;
import dev.llamakit.memory.running.RunningSummary;
import dev.llamakit.memory.running.ScriptedChatModel;
import dev.llamakit.memory.running.SummaryState;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HierarchicalStrategyTest {
    private static final String SYSTEM = "You are a helpful assistant.";
    private static final String FACT = "My locker code is 4471 and the locker is in the basement of building Zeta.";
    private static final String[] SUBJECTS = {"weather in Oslo", "football results", "pasta recipes", "train timetables",
        "garden tomatoes", "jazz records", "cycling routes", "chess openings"};

    private final DigestSummarizer summarizer = new DigestSummarizer();
    private final TokenCounter counter = new EstimatingTokenCounter();
    private final ScriptedChatModel model = new ScriptedChatModel();

    private static String filler(int t) {
        return "Turn " + t + ": tell me something about " + SUBJECTS[t % SUBJECTS.length] + ", number " + (t * 13) + ".";
    }

    private Conversation conversation(HierarchicalStrategy memory, InMemoryConversationStore store, String id, int promptTokens) {
        return Conversation.builder(model).id(id).model("Llama-3.3-8B-Instruct").systemPrompt(SYSTEM).memory(memory).store(store)
                .budget(new ContextBudget(promptTokens + 256, 256)).tokenCounter(counter).build();
    }

    private HierarchicalStrategy strategy(DigestSummarizer s, BudgetShares shares, int maxTokens) {
        return HierarchicalStrategy.of(RunningSummary.builder(s).batchMessages(6).maxTokens(maxTokens).build(), shares);
    }

    /** Tokens of the selected messages that are not in the contiguous run ending at the current turn. */
    private static List<Long> recalled(MemoryContext c) {
        List<Long> seqs = c.selectedSeqs();
        int k = seqs.size() - 1;
        while (k > 0 && seqs.get(k - 1) == seqs.get(k) - 1) {
            k--;
        }
        return seqs.subList(0, k);
    }

    @Test
    void aFactStatedEarlyIsRecalledWhenRelevantBesideTheSummaryAndTheWindow() {
        Conversation chat = conversation(strategy(summarizer, BudgetShares.DEFAULT, 64), new InMemoryConversationStore(), "fact", 1_200);
        chat.send(FACT);
        for (int t = 1; t <= 60; t++) {
            chat.send(filler(t));
        }
        MemoryContext before = chat.lastContext().orElseThrow();
        assertThat(before.selectedSeqs()).doesNotContain(0L);

        chat.send("Where is my locker, and what is its code?");
        MemoryContext c = chat.lastContext().orElseThrow();
        String system = c.messages().get(0).text();
        assertThat(system).startsWith(SYSTEM + "\n\n" + MemoryPreamble.SUMMARY_HEADING + "\nDigest ")
                .endsWith(HierarchicalStrategy.RECALL_NOTE);
        assertThat(recalled(c)).containsExactly(0L, 1L);
        assertThat(c.messages().get(1).text()).isEqualTo(FACT);
        assertThat(c.messages().get(2).text()).isEqualTo("Noted: " + FACT);
        List<Long> window = c.selectedSeqs().subList(2, c.selectedSeqs().size());
        assertThat(window).hasSizeGreaterThan(6).endsWith(120L, 121L, 122L);
        assertThat(summarizer.calls()).isPositive();
        assertThat(counter.count(c.messages())).isLessThanOrEqualTo(1_200);
    }

    @Test
    void eachPartStaysWithinItsShareAndTheRestGoesToTheWindow() {
        int budget = 2_000;
        BudgetShares shares = new BudgetShares(0.5, 0.3, 0.1);
        summarizer.replying(r -> "Long summary sentence number one about many crates. ".repeat(40));
        List<Message> messages = new ArrayList<>();
        for (int t = 0; t < 80; t++) {
            messages.add(Message.user(t % 10 == 0 ? "Crate " + t + " holds rare copper bolts." : filler(t)));
            messages.add(Message.assistant("Noted, turn " + t + "."));
        }
        messages.add(Message.user("Which crates hold copper bolts?"));
        Transcript transcript = Transcript.ofMessages(messages);
        StrategyState state = StrategyState.inMemory();
        HierarchicalStrategy strategy = strategy(summarizer, shares, 1_000);
        SystemMessage system = new SystemMessage(SYSTEM);
        MemoryContext c = strategy.select(new MemoryInput("shares", system, transcript, new ContextBudget(budget + 100, 100), counter, state));

        int available = budget - counter.count(system);
        assertThat(summarizer.requests()).singleElement().satisfies(r -> assertThat(r.maxTokens()).isLessThanOrEqualTo(available / 10));
        String summary = SummaryState.fromJson(state.get(RunningSummary.STATE_KEY).orElseThrow()).orElseThrow().summary();
        assertThat(counter.count(summary)).isLessThanOrEqualTo(available / 10);
        String preamble = c.messages().get(0).text();
        assertThat(counter.count(preamble) - counter.count(system) - counter.count(HierarchicalStrategy.RECALL_NOTE))
                .isLessThanOrEqualTo(available / 10);

        List<Long> recalled = recalled(c);
        assertThat(recalled).isNotEmpty().allMatch(seq -> transcript.get(seq.intValue()).message().text().contains("copper")
                || transcript.get(seq.intValue() - 1).message().text().contains("copper"));
        int recallTokens = recalled.stream().mapToInt(seq -> counter.count(transcript.get(seq.intValue()).message())).sum();
        assertThat(recallTokens).isLessThanOrEqualTo(available * 3 / 10);

        int windowTokens = c.selectedSeqs().subList(recalled.size(), c.selectedSeqs().size()).stream()
                .mapToInt(seq -> counter.count(transcript.get(seq.intValue()).message())).sum();
        assertThat(windowTokens).as("the window gets the unused shares").isGreaterThan(available / 2);
        assertThat(counter.count(c.messages())).isLessThanOrEqualTo(budget).isGreaterThan(budget - 40);
    }

    @Test
    void withNothingToRecallOrSummarizeTheWindowTakesTheWholeBudget() {
        List<Message> messages = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            messages.add(Message.user(filler(t)));
            messages.add(Message.assistant("Noted."));
        }
        messages.add(Message.user("Why?"));
        HierarchicalStrategy strategy = HierarchicalStrategy.of(RunningSummary.builder(summarizer).batchMessages(1_000).build(),
                BudgetShares.DEFAULT);
        MemoryContext c = strategy.select(new MemoryInput("plain", new SystemMessage(SYSTEM), Transcript.ofMessages(messages),
                new ContextBudget(700, 100), counter, StrategyState.inMemory()));
        assertThat(summarizer.calls()).isZero();
        assertThat(c.messages().get(0).text()).isEqualTo(SYSTEM);
        assertThat(recalled(c)).isEmpty();
        assertThat(counter.count(c.messages())).isLessThanOrEqualTo(600).isGreaterThan(560);
    }

    @Test
    void aResumedConversationKeepsItsSummaryAndDoesNotResummarize() {
        InMemoryConversationStore store = new InMemoryConversationStore();
        Conversation first = conversation(strategy(summarizer, BudgetShares.DEFAULT, 64), store, "resume", 600);
        first.send(FACT);
        for (int t = 1; t <= 30; t++) {
            first.send(filler(t));
        }
        int calls = summarizer.calls();
        assertThat(calls).isPositive();
        SummaryState stored = SummaryState.fromJson(store.getState("resume", RunningSummary.STATE_KEY).orElseThrow()).orElseThrow();

        DigestSummarizer later = new DigestSummarizer();
        Conversation resumed = conversation(strategy(later, BudgetShares.DEFAULT, 64), store, "resume", 600);
        resumed.send("Where is my locker?");
        MemoryContext c = resumed.lastContext().orElseThrow();
        assertThat(recalled(c)).contains(0L);
        for (int t = 0; t < 8; t++) {
            resumed.send(filler(100 + t));
        }
        // the resumed conversation goes on from the stored boundary: the first new call extends the stored summary
        // with the turns right after it, and nothing covered before is sent to the summarizer again
        assertThat(later.calls()).isPositive();
        assertThat(later.requests().get(0).previousSummary()).isEqualTo(stored.summary());
        long firstTurn = (stored.throughSeq() + 1) / 2;
        assertThat(later.requests().get(0).text()).startsWith("User: Turn " + firstTurn + ":").doesNotContain(FACT);
        for (long t = 1; t < firstTurn; t++) {
            for (var r : later.requests()) {
                assertThat(r.text()).doesNotContain("Turn " + t + ":");
            }
        }
    }
}
