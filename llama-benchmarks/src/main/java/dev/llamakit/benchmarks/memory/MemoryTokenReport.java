package dev.llamakit.benchmarks.memory;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.Conversation;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.Transcript;
import dev.llamakit.spi.ProviderOptions;
import dev.llamakit.summarize.ChatModelSummarizer;
import dev.llamakit.tokens.ContextBudget;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Prompt tokens per memory strategy over a scripted conversation: not a JMH benchmark, a plain program that prints
 * Markdown tables.
 *
 * <pre>
 * java -cp llama-benchmarks/target/benchmarks.jar dev.llamakit.benchmarks.memory.MemoryTokenReport [turns]
 * </pre>
 *
 * <p>Each strategy runs the same {@value #TURNS}-turn conversation ({@link Script}) in a {@link Conversation} with a
 * {@code ContextBudget(8_192, 1_024)}, that is 7,168 prompt tokens, against a fake {@link ChatModel} that answers
 * every user message with a deterministic reply of 40 to 80 words. The reply depends only on the user message, not on
 * the context, so every strategy builds the same transcript. The summarizing strategies summarize through
 * {@link ChatModelSummarizer} over a second fake model that returns an extractive summary
 * ({@link ExtractiveSummarizer#summarize(String, String, int)}), so the summary calls' prompts are the real ones.
 * Neither model reports token usage, so the conversation's {@link EstimatingTokenCounter} is never calibrated, and
 * all counts are its estimates.
 *
 * <p>Per strategy it records the prompt tokens of every request the conversation sent (the tokens of
 * {@code request.messages()}; they equal {@code MemoryContext.estimatedTokens()}), the number of summary calls and
 * their prompt and completion tokens, and how many "recall" questions were asked while the fact they ask about was
 * somewhere in the request. The reference is the full transcript sent every turn, counted even beyond the budget.
 * {@code full-history} itself stops at the turn where the history outgrows the budget
 * ({@link ContextTooLargeException}).
 */
public final class MemoryTokenReport {
    static final int TURNS = 200;
    static final ContextBudget BUDGET = new ContextBudget(8_192, 1_024);
    static final String SYSTEM_PROMPT = "You are a helpful assistant for a small engineering team. Answer briefly, and "
            + "keep track of the names, numbers and decisions the user mentions.";
    static final int[] CHECKPOINTS = {10, 25, 50, 100, 150, 200};

    /** A strategy and its options, as the report labels it. */
    record Variant(String strategy, Map<String, String> options) {
        String label() {
            if (options.isEmpty()) {
                return "`" + strategy + "` (defaults)";
            }
            StringBuilder sb = new StringBuilder("`" + strategy + "` ");
            options.forEach((k, v) -> sb.append('`').append(k).append('=').append(v).append("` "));
            return sb.toString().strip();
        }

        boolean summarizes() {
            return strategy.equals("summarization") || strategy.equals("hierarchical");
        }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("full-history", Map.of()),
            new Variant("sliding-window", Map.of()),
            new Variant("selective-retention", Map.of()),
            new Variant("selective-retention", Map.of("max-tokens", "2000")),
            new Variant("summarization", Map.of()),
            new Variant("summarization", Map.of("recent-tokens", "2000")),
            new Variant("hierarchical", Map.of()));

    /** What one strategy sent. */
    record Result(Variant variant, int[] promptTokens, int answered, Integer failedAt, long summaryCalls,
                  long summaryPromptTokens, long summaryCompletionTokens, Integer firstSummaryTurn, int recallAsked,
                  int recallInContext, Transcript transcript) {
        long sum() {
            long s = 0;
            for (int i = 0; i < answered; i++) {
                s += promptTokens[i];
            }
            return s;
        }

        int max() {
            int m = 0;
            for (int i = 0; i < answered; i++) {
                m = Math.max(m, promptTokens[i]);
            }
            return m;
        }
    }

    private MemoryTokenReport() {
    }

    public static void main(String[] args) {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : TURNS;
        Script script = Script.of(turns, 7);
        List<Result> results = new ArrayList<>();
        for (Variant v : VARIANTS) {
            results.add(run(v, script));
        }
        // the reference: every turn sends the whole transcript so far (system message included)
        Transcript transcript = results.get(1).transcript(); // sliding-window never fails: 2 entries per turn
        if (transcript.size() != 2 * turns) {
            throw new IllegalStateException("expected " + 2 * turns + " entries, got " + transcript.size());
        }
        for (Result r : results) {
            if (r.failedAt() == null && !r.transcript().messages().equals(transcript.messages())) {
                throw new IllegalStateException(r.variant().label() + " built a different transcript");
            }
        }
        EstimatingTokenCounter counter = new EstimatingTokenCounter();
        long[] reference = new long[turns];
        long running = counter.count(new SystemMessage(SYSTEM_PROMPT));
        for (int t = 0; t < turns; t++) {
            running += counter.count(transcript.get(2 * t).message());
            reference[t] = running;
            running += counter.count(transcript.get(2 * t + 1).message());
        }
        print(results, reference, turns, script);
    }

    static Result run(Variant v, Script script) {
        ScriptedModel model = new ScriptedModel(script);
        SummaryModel summaries = new SummaryModel();
        ProviderOptions.Builder options = ProviderOptions.builder().putAll(v.options());
        if (v.summarizes()) {
            options.service(ChatModel.class, summaries).put("summary-model", "fake-summary-model");
        }
        MemoryStrategy memory = MemoryStrategies.create(v.strategy(), options.build());
        Conversation chat = Conversation.builder(model)
                .model("fake-llama")
                .systemPrompt(SYSTEM_PROMPT)
                .memory(memory)
                .budget(BUDGET)
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
                .build();
        int[] prompt = new int[script.size()];
        int answered = 0;
        Integer failedAt = null;
        Integer firstSummaryTurn = null;
        for (int t = 0; t < script.size(); t++) {
            long summaryCalls = summaries.calls;
            try {
                chat.send(script.text(t));
            } catch (ContextTooLargeException e) {
                failedAt = t + 1;
                break;
            }
            MemoryContext context = chat.lastContext().orElseThrow();
            if (context.estimatedTokens() != model.lastPromptTokens) {
                throw new IllegalStateException(v.label() + ", turn " + (t + 1) + ": the context estimates "
                        + context.estimatedTokens() + " tokens, the request has " + model.lastPromptTokens);
            }
            if (model.lastPromptTokens > BUDGET.promptTokens()) {
                throw new IllegalStateException(v.label() + ", turn " + (t + 1) + ": over the budget");
            }
            prompt[t] = model.lastPromptTokens;
            answered++;
            if (firstSummaryTurn == null && summaries.calls > summaryCalls) {
                firstSummaryTurn = t + 1;
            }
        }
        return new Result(v, prompt, answered, failedAt, summaries.calls, summaries.promptTokens, summaries.completionTokens,
                firstSummaryTurn, model.recallAsked, model.recallInContext, chat.transcript());
    }

    static void print(List<Result> results, long[] reference, int turns, Script script) {
        long refSum = 0;
        long refMax = 0;
        for (long r : reference) {
            refSum += r;
            refMax = Math.max(refMax, r);
        }
        System.out.printf(Locale.ROOT, "%d turns, ContextBudget(%d, %d): %,d prompt tokens per request at most; %d facts stated, "
                + "%d recall questions.%n%n", turns, BUDGET.contextWindow(), BUDGET.replyReserve(), BUDGET.promptTokens(),
                script.facts, script.recallQuestions());
        System.out.println("| strategy (options) | turns answered | prompt tokens, total | per turn: avg | per turn: max "
                + "| vs. full history | summary calls | summary-call tokens (prompt + completion) | total with summary calls "
                + "| recall questions with the fact in the request |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| full transcript every turn (reference; ignores the budget) | %d | %,d | %,d | %,d | 100%% | — | — | %,d | %d / %d |%n",
                turns, refSum, Math.round((double) refSum / turns), refMax, refSum, script.recallQuestions(), script.recallQuestions());
        for (Result r : results) {
            long sum = r.sum();
            long summaryTokens = r.summaryPromptTokens() + r.summaryCompletionTokens();
            String answered = r.failedAt() == null ? String.valueOf(r.answered())
                    : r.answered() + " (fails at turn " + r.failedAt() + ")";
            String share;
            if (r.failedAt() == null) {
                share = String.format(Locale.ROOT, "%.1f%%", 100.0 * sum / refSum);
            } else {
                long refPart = 0;
                for (int t = 0; t < r.answered(); t++) {
                    refPart += reference[t];
                }
                share = String.format(Locale.ROOT, "%.1f%% of turns 1–%d", 100.0 * sum / refPart, r.answered());
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %s | %s | %s | %,d | %d / %d |%n",
                    r.variant().label(), answered, sum, r.answered() == 0 ? 0 : Math.round((double) sum / r.answered()), r.max(), share,
                    r.variant().summarizes() ? String.valueOf(r.summaryCalls()) : "—",
                    r.variant().summarizes() ? String.format(Locale.ROOT, "%,d + %,d", r.summaryPromptTokens(), r.summaryCompletionTokens()) : "—",
                    sum + summaryTokens, r.recallInContext(), r.recallAsked());
        }
        System.out.println();
        StringBuilder head = new StringBuilder("| prompt tokens at turn |");
        StringBuilder rule = new StringBuilder("|---|");
        List<Integer> shown = new ArrayList<>();
        for (int c : CHECKPOINTS) {
            if (c <= turns) {
                shown.add(c);
                head.append(' ').append(c).append(" |");
                rule.append("---:|");
            }
        }
        System.out.println(head);
        System.out.println(rule);
        StringBuilder ref = new StringBuilder("| full transcript (reference) |");
        for (int c : shown) {
            ref.append(String.format(Locale.ROOT, " %,d |", reference[c - 1]));
        }
        System.out.println(ref);
        for (Result r : results) {
            StringBuilder row = new StringBuilder("| ").append(r.variant().label()).append(" |");
            for (int c : shown) {
                row.append(c <= r.answered() ? String.format(Locale.ROOT, " %,d |", r.promptTokens()[c - 1]) : " — |");
            }
            System.out.println(row);
        }
        System.out.println();
        for (Result r : results) {
            List<String> notes = new ArrayList<>();
            if (r.failedAt() != null) {
                notes.add("fails at turn " + r.failedAt() + " with ContextTooLargeException");
            }
            if (r.variant().summarizes()) {
                notes.add(r.firstSummaryTurn() == null ? "no summary call"
                        : "first summary call on turn " + r.firstSummaryTurn());
            }
            int over = 0;
            int firstOver = 0;
            int lastOver = 0;
            for (int t = 0; t < r.answered(); t++) {
                if (r.promptTokens()[t] > reference[t]) {
                    over++;
                    firstOver = firstOver == 0 ? t + 1 : firstOver;
                    lastOver = t + 1;
                }
            }
            if (over > 0) {
                notes.add(String.format(Locale.ROOT, "sent more tokens than the whole transcript on %d turns (between turns %d "
                        + "and %d)", over, firstOver, lastOver));
            }
            if (!notes.isEmpty()) {
                System.out.println("- " + r.variant().label() + ": " + String.join("; ", notes) + ".");
            }
        }
    }

    /**
     * The scripted user turns: every sixth turn states a new fact with a unique number ("the door code for the Oslo
     * office is 4817"); from turn 20 on, every ninth turn asks about a fact stated at least ten turns earlier; the
     * other turns are requests of 5 to 60 words (one in six with 80 to 120 more).
     */
    static final class Script {
        private static final String[] NAMES = {"Ada", "Marta", "Jonas", "Priya", "Kenji", "Lucia", "Omar", "Greta"};
        private static final String[] PLACES = {"Oslo", "Lisbon", "Berlin", "Madrid", "Krakow", "Dublin", "Porto", "Vienna"};
        private static final String[] TOPICS = {"the office move", "the release notes", "the hiring plan", "the vendor contract",
            "the on-call rota", "the database upgrade", "the security audit", "the team offsite"};

        private final List<String> texts = new ArrayList<>();
        /** The value a recall question asks about, by turn. */
        private final Map<Integer, String> recallValue = new HashMap<>();
        private final Map<String, String> recallByText = new HashMap<>();
        private int facts;

        static Script of(int turns, long seed) {
            Script s = new Script();
            Random random = new Random(seed);
            Set<Integer> used = new HashSet<>();
            List<String[]> stated = new ArrayList<>(); // {question, value, turn}
            for (int t = 0; t < turns; t++) {
                String text;
                if (t % 6 == 1) {
                    int value;
                    do {
                        value = 1000 + random.nextInt(9000);
                    } while (!used.add(value));
                    String[] fact = fact(random, value);
                    text = "Please remember this: " + fact[0]
                            + (random.nextBoolean() ? " " + SyntheticTranscripts.filler(random, 5 + random.nextInt(16)) : "");
                    stated.add(new String[] {fact[1], String.valueOf(value), String.valueOf(t)});
                    s.facts++;
                } else if (t >= 20 && t % 9 == 2 && !stated.isEmpty()) {
                    List<String[]> old = new ArrayList<>();
                    for (String[] f : stated) {
                        if (Integer.parseInt(f[2]) <= t - 10) {
                            old.add(f);
                        }
                    }
                    String[] f = old.isEmpty() ? stated.get(0) : old.get(random.nextInt(old.size()));
                    text = f[0];
                    s.recallValue.put(t, f[1]);
                    s.recallByText.put(text + "#" + t, f[1]);
                } else {
                    text = "Can you help with " + TOPICS[random.nextInt(TOPICS.length)] + "? "
                            + SyntheticTranscripts.filler(random, 5 + random.nextInt(56));
                    if (random.nextInt(6) == 0) {
                        text += " " + SyntheticTranscripts.filler(random, 80 + random.nextInt(41));
                    }
                }
                // unique texts, so that the fake model's reply (a function of the text) differs per turn
                s.texts.add("(" + (t + 1) + ") " + text);
            }
            return s;
        }

        private static String[] fact(Random random, int value) {
            String name = NAMES[random.nextInt(NAMES.length)];
            String place = PLACES[random.nextInt(PLACES.length)];
            return switch (random.nextInt(4)) {
                case 0 -> new String[] {"the door code for the " + place + " office is " + value + ".",
                    "What was the door code for the " + place + " office again?"};
                case 1 -> new String[] {name + "'s phone extension is " + value + ".", "What is " + name + "'s phone extension?"};
                case 2 -> new String[] {"the purchase order for the " + place + " trip is PO-" + value + ".",
                    "Which purchase order number did I give you for the " + place + " trip?"};
                default -> new String[] {"my locker number in " + place + " is " + value + ".",
                    "Which locker number did I mention for " + place + "?"};
            };
        }

        int size() {
            return texts.size();
        }

        String text(int turn) {
            return texts.get(turn);
        }

        int recallQuestions() {
            return recallValue.size();
        }

        /** The value the turn with this text asks about, or null. */
        String recallValueOf(String text) {
            int close = text.indexOf(") ");
            if (!text.startsWith("(") || close < 0) {
                return null;
            }
            return recallValue.get(Integer.parseInt(text.substring(1, close)) - 1);
        }
    }

    /**
     * The conversation's model: a reply of 40 to 80 words derived from the user message alone. Counts the prompt
     * tokens of each request and checks whether a recall question's fact is in the request (before the question).
     */
    static final class ScriptedModel implements ChatModel {
        private final Script script;
        private final EstimatingTokenCounter counter = new EstimatingTokenCounter();
        int lastPromptTokens;
        int recallAsked;
        int recallInContext;

        ScriptedModel(Script script) {
            this.script = script;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            List<Message> messages = request.messages();
            lastPromptTokens = counter.count(messages);
            String question = messages.get(messages.size() - 1).text();
            String value = script.recallValueOf(question);
            if (value != null) {
                recallAsked++;
                for (int i = 0; i < messages.size() - 1; i++) {
                    if (messages.get(i).text().contains(value)) {
                        recallInContext++;
                        break;
                    }
                }
            }
            Random random = new Random(question.hashCode());
            String reply = (random.nextBoolean() ? "Sure. " : "Noted. ") + SyntheticTranscripts.filler(random, 40 + random.nextInt(41));
            return ChatResponse.builder().message(AssistantMessage.of(reply)).build();
        }
    }

    /** The summarizer's model: an extractive summary of {@link ChatModelSummarizer}'s request; counts calls and tokens. */
    static final class SummaryModel implements ChatModel {
        private static final String PREVIOUS = "\n\nSummary so far:\n";
        private static final String NEW_TEXT = "\n\nNew text:\n";
        private final EstimatingTokenCounter counter = new EstimatingTokenCounter();
        long calls;
        long promptTokens;
        long completionTokens;

        @Override
        public ChatResponse chat(ChatRequest request) {
            calls++;
            promptTokens += counter.count(request.messages());
            String prompt = request.messages().get(request.messages().size() - 1).text();
            String previous = null;
            String text;
            int p = prompt.indexOf(PREVIOUS);
            int n = prompt.indexOf(NEW_TEXT);
            if (p >= 0 && n > p) {
                previous = prompt.substring(p + PREVIOUS.length(), n);
                text = prompt.substring(n + NEW_TEXT.length());
            } else {
                int start = prompt.indexOf("\n\n");
                text = start < 0 ? prompt : prompt.substring(start + 2);
            }
            String summary = ExtractiveSummarizer.summarize(previous, text, request.maxCompletionTokens().orElse(256));
            completionTokens += counter.count(summary);
            return ChatResponse.builder().message(AssistantMessage.of(summary)).build();
        }
    }
}
