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
import dev.llamakit.memory.relevance.ConversationCache;
import dev.llamakit.memory.relevance.LexicalIndex;
import dev.llamakit.memory.relevance.UnitTokens;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the past messages that matter most for the current turn, not just the latest ones. Name:
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
 * <p>Cost per turn. With the default BM25 scorer the strategy keeps, per conversation (the
 * {@value dev.llamakit.memory.relevance.ConversationCache#CAPACITY} most recent ones), the transcript's units, their
 * tokens, importance and pinned flags, and a postings index of their terms, and extends them with the new entries
 * only (a transcript that is not an extension of the one seen before, e.g. one loaded again from a store, is indexed
 * again, once). A turn then costs: indexing its new units; BM25 from the postings of the query terms; a few passes
 * over primitive arrays of n units (recency, importance, the sum of tokens); and a heap from which units are taken in
 * priority order only until no remaining unit can fit. The choice is exactly the one of a full recomputation. A
 * custom {@link RelevanceScorer} gets the texts of every candidate each turn (linear in the transcript's text).
 * Thread-safe (as long as the scorer is).
 */
public final class SelectiveRetentionStrategy implements MemoryStrategy {
    /** The provider name. */
    public static final String NAME = "selective-retention";
    public static final double DEFAULT_RELEVANCE_WEIGHT = 1.0;
    public static final double DEFAULT_IMPORTANCE_WEIGHT = 0.5;
    public static final double DEFAULT_RECENCY_WEIGHT = 0.5;
    /** Messages after which the recency of a message halves. */
    public static final double DEFAULT_RECENCY_HALF_LIFE = 20;
    /** Messages before the current turn that are always kept (when they fit). */
    public static final int DEFAULT_RECENT_MESSAGES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(SelectiveRetentionStrategy.class);

    private final double relevanceWeight;
    private final double importanceWeight;
    private final double recencyWeight;
    private final double recencyHalfLife;
    private final int recentMessages;
    private final int maxTokens;
    private final RelevanceScorer scorer;
    private final ConversationCache<SelectionState> states = new ConversationCache<>();
    private volatile double[] recency = new double[0];

    private SelectiveRetentionStrategy(Builder b) {
        this.relevanceWeight = b.relevanceWeight;
        this.importanceWeight = b.importanceWeight;
        this.recencyWeight = b.recencyWeight;
        this.recencyHalfLife = b.recencyHalfLife;
        this.recentMessages = b.recentMessages;
        this.maxTokens = b.maxTokens;
        this.scorer = b.scorer;
    }

    /** A strategy with the default weights and BM25 relevance. */
    public static SelectiveRetentionStrategy withDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public MemoryContext select(MemoryInput input) {
        if (!(scorer instanceof Bm25Scorer)) {
            return selectRebuilding(input);
        }
        return states.locked(input.conversationId(), SelectionState::new, state -> selectIncrementally(input, state));
    }

    /**
     * The selection with the default BM25 scorer, from the conversation's kept state: the same choice as
     * {@link #selectRebuilding}, at a cost per turn of the new units, the postings of the query terms, a few passes
     * over primitive arrays and the units actually examined.
     */
    private MemoryContext selectIncrementally(MemoryInput input, SelectionState state) {
        TokenCounter counter = input.tokens();
        int budget = input.budget().promptTokens();
        int limit = Math.min(budget, maxTokens);
        List<List<TranscriptEntry>> units = state.sync(input.transcript(), counter, relevanceWeight > 0);
        int current = units.size() - 1;
        if (current < 0) {
            return selectRebuilding(input);
        }
        int requiredTokens = input.requireMinimalContextFits(NAME, units.get(current));
        UnitTokens unitTokens = state.tokens;
        long allTokens = requiredTokens;
        for (int i = 0; i < current; i++) {
            allTokens += unitTokens.get(i);
        }
        int[] kept = state.order;
        int keptCount = 0;
        long tokens = requiredTokens;
        if (allTokens <= limit) {
            for (int i = current - 1; i >= 0; i--) {
                kept[keptCount++] = i;
                tokens += unitTokens.get(i);
            }
        } else {
            int epoch = ++state.epoch;
            int[] mark = state.mark;
            if (epoch == Integer.MAX_VALUE) {
                Arrays.fill(mark, 0);
                state.epoch = epoch = 1;
            }
            for (int k = state.pinnedCount - 1; k >= 0; k--) {
                int i = state.pinned[k];
                if (i >= current) {
                    continue;
                }
                mark[i] = epoch;
                int t = unitTokens.get(i);
                if (tokens + t <= limit) {
                    kept[keptCount++] = i;
                    tokens += t;
                }
            }
            int recent = 0;
            for (int i = current - 1; i >= 0 && recent + units.get(i).size() <= recentMessages; i--) {
                recent += units.get(i).size();
                if (mark[i] != epoch) {
                    mark[i] = epoch;
                    int t = unitTokens.get(i);
                    if (tokens + t <= limit) {
                        kept[keptCount++] = i;
                        tokens += t;
                    }
                }
            }
            double[] scores = scores(state, units, current);
            // the rest by score (ties to the newer), from a heap popped only as far as the budget needs
            int[] heap = state.heap;
            int size = 0;
            int smallest = Integer.MAX_VALUE;
            for (int i = 0; i < current; i++) {
                if (mark[i] != epoch) {
                    heap[size++] = i;
                    smallest = Math.min(smallest, unitTokens.get(i));
                }
            }
            Heap.heapify(heap, size, scores);
            int misses = 0;
            while (size > 0 && limit - tokens >= smallest) {
                int i = heap[0];
                heap[0] = heap[--size];
                Heap.siftDown(heap, size, 0, scores);
                int t = unitTokens.get(i);
                if (tokens + t <= limit) {
                    kept[keptCount++] = i;
                    tokens += t;
                    misses = 0;
                } else if (++misses >= 32) {
                    // only units within the room left can still fit, and the room only shrinks: keep just those
                    long room = limit - tokens;
                    int w = 0;
                    smallest = Integer.MAX_VALUE;
                    for (int k = 0; k < size; k++) {
                        int u = heap[k];
                        if (unitTokens.get(u) <= room) {
                            heap[w++] = u;
                            smallest = Math.min(smallest, unitTokens.get(u));
                        }
                    }
                    size = w;
                    Heap.heapify(heap, size, scores);
                    misses = 0;
                }
            }
        }

        // The counter may not be additive (calibration rounding, per-request overhead): check the real total and
        // give up the lowest-priority units until it fits.
        int[] chronological = Arrays.copyOf(kept, keptCount);
        Arrays.sort(chronological);
        List<Message> chosen = assemble(input, units, chronological, current);
        int counted = counter.count(chosen);
        while (counted > limit && keptCount > 0) {
            int over = counted - limit;
            do {
                over -= unitTokens.get(kept[--keptCount]);
            } while (over > 0 && keptCount > 0);
            chronological = Arrays.copyOf(kept, keptCount);
            Arrays.sort(chronological);
            chosen = assemble(input, units, chronological, current);
            counted = counter.count(chosen);
        }
        List<Long> seqs = new ArrayList<>(chosen.size());
        for (int i : chronological) {
            units.get(i).forEach(e -> seqs.add(e.seq()));
        }
        units.get(current).forEach(e -> seqs.add(e.seq()));
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: conversation {} keeps {} of {} transcript entries ({} tokens, limit {})", NAME,
                    input.conversationId(), seqs.size(), input.transcript().size(), counted, limit);
        }
        return new MemoryContext(chosen, seqs, 0, counted);
    }

    /** The scores of the candidate units 0..current-1, computed as {@link #scores(List, int)} does, into scratch. */
    private double[] scores(SelectionState state, List<List<TranscriptEntry>> units, int current) {
        double[] scores = state.scores;
        Arrays.fill(scores, 0, current, 0.0);
        if (relevanceWeight > 0) {
            double[] relevance = state.relevance;
            Arrays.fill(relevance, 0, current, 0.0);
            List<String> terms = List.copyOf(new LinkedHashSet<>(LexicalIndex.terms(SelectionState.textOf(units.get(current)))));
            if (!terms.isEmpty()) {
                state.index.score(terms, current, null, 0, relevance);
            }
            double best = 0;
            for (int i = 0; i < current; i++) {
                best = Math.max(best, relevance[i]);
            }
            for (int i = 0; i < current && best > 0; i++) {
                scores[i] += relevanceWeight * relevance[i] / best;
            }
        }
        long now = units.get(current).get(0).seq();
        double[] decay = recencyTable(now);
        for (int i = 0; i < current; i++) {
            if (importanceWeight > 0) {
                scores[i] += importanceWeight * state.importance[i];
            }
            if (recencyWeight > 0) {
                List<TranscriptEntry> unit = units.get(i);
                long distance = now - unit.get(unit.size() - 1).seq();
                scores[i] += recencyWeight * (distance < decay.length ? decay[(int) distance] : 0.0);
            }
        }
        return scores;
    }

    /**
     * {@code 2^(-d / recencyHalfLife)} for d = 0, 1, ..., as {@link Math#pow} computes it, up to {@code distance} or
     * to where it reaches 0.0 (and stays there); shared by all conversations.
     */
    private double[] recencyTable(long distance) {
        double[] table = recency;
        if (distance < table.length || (table.length > 0 && table[table.length - 1] == 0.0)) {
            return table;
        }
        int size = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(distance + 1, table.length * 2L));
        double[] grown = Arrays.copyOf(table, size);
        for (int d = table.length; d < size; d++) {
            grown[d] = Math.pow(2, -(long) d / recencyHalfLife);
            if (grown[d] == 0.0) {
                grown = Arrays.copyOf(grown, d + 1);
                break;
            }
        }
        recency = grown;
        return grown;
    }

    private static List<Message> assemble(MemoryInput input, List<List<TranscriptEntry>> units, int[] chronological,
                                          int current) {
        List<Message> messages = new ArrayList<>(chronological.length * 2 + 2);
        input.systemMessage().ifPresent(messages::add);
        for (int i : chronological) {
            units.get(i).forEach(e -> messages.add(e.message()));
        }
        units.get(current).forEach(e -> messages.add(e.message()));
        return messages;
    }

    /** The selection as it was first written: everything recomputed from the transcript (for a custom scorer). */
    private MemoryContext selectRebuilding(MemoryInput input) {
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
            if (SelectionState.has(units.get(i), EntryFlag.PINNED)) {
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
                texts.add(SelectionState.textOf(units.get(i)));
            }
            double[] relevance = scorer.score(SelectionState.textOf(units.get(current)), texts);
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
                scores[i] += importanceWeight * SelectionState.importance(unit);
            }
            if (recencyWeight > 0) {
                long distance = now - unit.get(unit.size() - 1).seq();
                scores[i] += recencyWeight * Math.pow(2, -distance / recencyHalfLife);
            }
        }
        return scores;
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

    public double relevanceWeight() {
        return relevanceWeight;
    }

    public double importanceWeight() {
        return importanceWeight;
    }

    public double recencyWeight() {
        return recencyWeight;
    }

    public double recencyHalfLife() {
        return recencyHalfLife;
    }

    public int recentMessages() {
        return recentMessages;
    }

    /** The token limit, if one was given (the input's budget always applies). */
    public OptionalInt maxTokens() {
        return maxTokens == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(maxTokens);
    }

    public RelevanceScorer scorer() {
        return scorer;
    }

    @Override
    public String toString() {
        return NAME + "[relevance=" + relevanceWeight + ", importance=" + importanceWeight + ", recency="
                + recencyWeight + ", halfLife=" + recencyHalfLife + ", recentMessages=" + recentMessages
                + ", maxTokens=" + (maxTokens == Integer.MAX_VALUE ? "none" : maxTokens) + "]";
    }

    /** Builds a {@link SelectiveRetentionStrategy}; every setting has a default. */
    public static final class Builder {
        private double relevanceWeight = DEFAULT_RELEVANCE_WEIGHT;
        private double importanceWeight = DEFAULT_IMPORTANCE_WEIGHT;
        private double recencyWeight = DEFAULT_RECENCY_WEIGHT;
        private double recencyHalfLife = DEFAULT_RECENCY_HALF_LIFE;
        private int recentMessages = DEFAULT_RECENT_MESSAGES;
        private int maxTokens = Integer.MAX_VALUE;
        private RelevanceScorer scorer = RelevanceScorer.bm25();

        private Builder() {
        }

        /** Weight of relevance to the current turn (finite, &ge; 0; default 1.0). */
        public Builder relevanceWeight(double weight) {
            this.relevanceWeight = weight(SelectiveRetentionProvider.RELEVANCE_WEIGHT, weight);
            return this;
        }

        /** Weight of importance: the IMPORTANT flag, facts (finite, &ge; 0; default 0.5). */
        public Builder importanceWeight(double weight) {
            this.importanceWeight = weight(SelectiveRetentionProvider.IMPORTANCE_WEIGHT, weight);
            return this;
        }

        /** Weight of recency (finite, &ge; 0; default 0.5). */
        public Builder recencyWeight(double weight) {
            this.recencyWeight = weight(SelectiveRetentionProvider.RECENCY_WEIGHT, weight);
            return this;
        }

        /** Distance in messages at which recency halves (finite, &gt; 0; default 20). */
        public Builder recencyHalfLife(double messages) {
            if (!(messages > 0) || Double.isInfinite(messages)) {
                throw new IllegalArgumentException("option '" + SelectiveRetentionProvider.RECENCY_HALF_LIFE
                        + "' must be a positive number, got " + messages);
            }
            this.recencyHalfLife = messages;
            return this;
        }

        /** How many messages before the current turn are always kept when they fit (&ge; 0; default 4). */
        public Builder recentMessages(int messages) {
            if (messages < 0) {
                throw new IllegalArgumentException("option '" + SelectiveRetentionProvider.RECENT_MESSAGES
                        + "' must be at least 0, got " + messages);
            }
            this.recentMessages = messages;
            return this;
        }

        /** Keep the request within this many tokens (system message included); the budget still applies. */
        public Builder maxTokens(int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("option '" + SelectiveRetentionProvider.MAX_TOKENS
                        + "' must be at least 1, got " + tokens);
            }
            this.maxTokens = tokens;
            return this;
        }

        /** How relevance is scored (default {@link RelevanceScorer#bm25()}). */
        public Builder scorer(RelevanceScorer scorer) {
            this.scorer = Objects.requireNonNull(scorer, "scorer");
            return this;
        }

        public SelectiveRetentionStrategy build() {
            return new SelectiveRetentionStrategy(this);
        }

        private static double weight(String option, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("option '" + option + "' must be a finite number >= 0, got " + value);
            }
            return value;
        }
    }
}
