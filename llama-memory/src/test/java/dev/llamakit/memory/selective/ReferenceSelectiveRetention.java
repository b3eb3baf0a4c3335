package dev.llamakit.memory.selective;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14 reference: the selection of selective-retention before it became incremental (a full rebuild per turn),
 * kept verbatim to check that the incremental one chooses the same.
 *
 * <p>Keeps the past messages that matter most for the current turn, not just the latest ones. Name:
 * {@code selective-retention}.
 *
 * <p>Each past unit of {@link dev.llamakit.memory.Transcript#units()} (a message, or a tool call with its
 * results, kept or dropped whole) gets a score in [0, weights sum]:
 * <pre>
 *   relevanceWeight  * relevance   (the scorer's score for the current turn / the best score; default BM25)
 * + importanceWeight * importance  (1 for {@link EntryFlag#IMPORTANT}; else 0.25 per fact, at most 0.75)
 * + recencyWeight    * recency     (2^(-distance / recencyHalfLife), distance in messages from the current turn)
 * </pre>
 * The context is filled in this order, skipping what does not fit: the system message and the current turn
 * (required: {@link ContextTooLargeException} when they alone exceed the budget); {@link EntryFlag#PINNED} units,
 * newest first; the units of the last {@code recentMessages} messages, newest first (a unit the count would cut
 * is left to compete by score); then the other units by score, ties going to the newer. The chosen messages are
 * sent in chronological order, within {@code maxTokens} (system message included) and the input's budget. Facts
 * are names (capitalised words not starting a sentence), numbers, month names and e-mail addresses.
 *
 * <p>The context may therefore have gaps, and two user (or assistant) messages may follow each other; Llama chat
 * templates accept that. When the whole history fits, it is sent as is and nothing is scored.
 *
 * <p>Cost per turn, for n transcript messages: token counting, fact detection and BM25 indexing are linear in the
 * transcript's text; scoring is O(n &times; distinct query terms); ordering is O(n log n). Nothing is kept
 * between turns. Immutable and thread-safe (as long as the scorer is).
 */
final class ReferenceSelectiveRetention implements MemoryStrategy {
    /** The provider name. */
    static final String NAME = "selective-retention";
    static final double DEFAULT_RELEVANCE_WEIGHT = 1.0;
    static final double DEFAULT_IMPORTANCE_WEIGHT = 0.5;
    static final double DEFAULT_RECENCY_WEIGHT = 0.5;
    /** Messages after which the recency of a message halves. */
    static final double DEFAULT_RECENCY_HALF_LIFE = 20;
    /** Messages before the current turn that are always kept (when they fit). */
    static final int DEFAULT_RECENT_MESSAGES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(SelectiveRetentionStrategy.class);
    private static final double FACT_VALUE = 0.25;
    private static final int FACT_CAP = 3;

    private final double relevanceWeight;
    private final double importanceWeight;
    private final double recencyWeight;
    private final double recencyHalfLife;
    private final int recentMessages;
    private final int maxTokens;
    private final RelevanceScorer scorer;

    ReferenceSelectiveRetention(SelectiveRetentionStrategy b) {
        this.relevanceWeight = b.relevanceWeight();
        this.importanceWeight = b.importanceWeight();
        this.recencyWeight = b.recencyWeight();
        this.recencyHalfLife = b.recencyHalfLife();
        this.recentMessages = b.recentMessages();
        this.maxTokens = b.maxTokens().orElse(Integer.MAX_VALUE);
        this.scorer = RelevanceScorer.bm25();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public MemoryContext select(MemoryInput input) {
        TokenCounter counter = input.tokens();
        int budget = input.budget().promptTokens();
        int limit = Math.min(budget, maxTokens);
        List<List<TranscriptEntry>> units = input.transcript().units();
        int current = units.size() - 1;

        int requiredTokens = input.requireMinimalContextFits(NAME);

        int candidates = Math.max(current, 0);
        int[] unitTokens = new int[candidates];
        long allTokens = requiredTokens;
        for (int i = 0; i < candidates; i++) {
            unitTokens[i] = tokensOf(units.get(i), counter);
            allTokens += unitTokens[i];
        }
        int[] order = allTokens <= limit ? newestFirst(candidates) : priorityOrder(units, current);

        boolean[] kept = new boolean[candidates];
        List<Integer> keptInOrder = new ArrayList<>();
        long tokens = requiredTokens;
        for (int i : order) {
            if (!kept[i] && tokens + unitTokens[i] <= limit) {
                kept[i] = true;
                keptInOrder.add(i);
                tokens += unitTokens[i];
            }
        }

        // The counter may not be additive (calibration rounding, per-request overhead): check the real total and
        // give up the lowest-priority units until it fits.
        List<Message> chosen = assemble(input, units, kept, current);
        int counted = counter.count(chosen);
        while (counted > limit && !keptInOrder.isEmpty()) {
            int over = counted - limit;
            do {
                int dropped = keptInOrder.remove(keptInOrder.size() - 1);
                kept[dropped] = false;
                over -= unitTokens[dropped];
            } while (over > 0 && !keptInOrder.isEmpty());
            chosen = assemble(input, units, kept, current);
            counted = counter.count(chosen);
        }

        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i <= current; i++) {
            if (i == current || kept[i]) {
                units.get(i).forEach(e -> seqs.add(e.seq()));
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: conversation {} keeps {} of {} transcript entries ({} tokens, limit {})", NAME,
                    input.conversationId(), seqs.size(), input.transcript().size(), counted, limit);
        }
        return new MemoryContext(chosen, seqs, 0, counted);
    }

    /** Candidate indices in the order they claim the budget: pinned, recent, then by score. */
    private int[] priorityOrder(List<List<TranscriptEntry>> units, int current) {
        int[] order = new int[current];
        int next = 0;
        boolean[] placed = new boolean[current];
        for (int i = current - 1; i >= 0; i--) {
            if (has(units.get(i), EntryFlag.PINNED)) {
                order[next++] = i;
                placed[i] = true;
            }
        }
        int recent = 0;
        for (int i = current - 1; i >= 0 && recent + units.get(i).size() <= recentMessages; i--) {
            recent += units.get(i).size();
            if (!placed[i]) {
                order[next++] = i;
                placed[i] = true;
            }
        }
        double[] scores = scores(units, current);
        List<Integer> rest = new ArrayList<>(current - next);
        for (int i = 0; i < current; i++) {
            if (!placed[i]) {
                rest.add(i);
            }
        }
        rest.sort(Comparator.<Integer>comparingDouble(i -> scores[i]).reversed().thenComparing(Comparator.reverseOrder()));
        for (int i : rest) {
            order[next++] = i;
        }
        return order;
    }

    /** The score of every candidate unit (indices 0 to current - 1). */
    private double[] scores(List<List<TranscriptEntry>> units, int current) {
        double[] scores = new double[current];
        if (relevanceWeight > 0) {
            List<String> texts = new ArrayList<>(current);
            for (int i = 0; i < current; i++) {
                texts.add(textOf(units.get(i)));
            }
            double[] relevance = scorer.score(textOf(units.get(current)), texts);
            if (relevance == null || relevance.length != current) {
                throw new IllegalStateException("relevance scorer " + scorer + " returned "
                        + (relevance == null ? "null" : relevance.length + " scores") + " for " + current + " candidates");
            }
            double best = 0;
            for (double r : relevance) {
                if (!(r >= 0) || Double.isInfinite(r)) {
                    throw new IllegalStateException("relevance scorer " + scorer + " returned " + r
                            + "; scores must be finite and non-negative");
                }
                best = Math.max(best, r);
            }
            for (int i = 0; i < current && best > 0; i++) {
                scores[i] += relevanceWeight * relevance[i] / best;
            }
        }
        long now = units.get(current).get(0).seq();
        for (int i = 0; i < current; i++) {
            List<TranscriptEntry> unit = units.get(i);
            if (importanceWeight > 0) {
                scores[i] += importanceWeight * importance(unit);
            }
            if (recencyWeight > 0) {
                long distance = now - unit.get(unit.size() - 1).seq();
                scores[i] += recencyWeight * Math.pow(2, -distance / recencyHalfLife);
            }
        }
        return scores;
    }

    private static double importance(List<TranscriptEntry> unit) {
        if (has(unit, EntryFlag.IMPORTANT)) {
            return 1.0;
        }
        int facts = 0;
        for (TranscriptEntry e : unit) {
            facts += Facts.count(e.message().text(), FACT_CAP - facts);
            if (facts >= FACT_CAP) {
                break;
            }
        }
        return FACT_VALUE * facts;
    }

    private static boolean has(List<TranscriptEntry> unit, EntryFlag flag) {
        for (TranscriptEntry e : unit) {
            if (e.has(flag)) {
                return true;
            }
        }
        return false;
    }

    /** The text a unit is matched on: message texts plus tool-call names and arguments. */
    private static String textOf(List<TranscriptEntry> unit) {
        StringBuilder sb = new StringBuilder();
        for (TranscriptEntry e : unit) {
            Message m = e.message();
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(m.text());
            if (m instanceof AssistantMessage a) {
                for (ToolCall call : a.toolCalls()) {
                    sb.append('\n').append(call.name()).append(' ').append(call.arguments());
                }
            }
        }
        return sb.toString();
    }

    /** When everything fits: no scoring; should the real count still be over, the oldest units go first. */
    private static int[] newestFirst(int n) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> n - 1 - i);
        return order;
    }

    private static List<Message> assemble(MemoryInput input, List<List<TranscriptEntry>> units, boolean[] kept, int current) {
        List<Message> messages = new ArrayList<>();
        input.systemMessage().ifPresent(messages::add);
        for (int i = 0; i <= current; i++) {
            if (i == current || kept[i]) {
                units.get(i).forEach(e -> messages.add(e.message()));
            }
        }
        return messages;
    }

    private static int tokensOf(List<TranscriptEntry> unit, TokenCounter counter) {
        int total = 0;
        for (TranscriptEntry e : unit) {
            total += counter.count(e.message());
        }
        return total;
    }

}
