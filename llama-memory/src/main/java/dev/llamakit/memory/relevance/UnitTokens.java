package dev.llamakit.memory.relevance;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.tokens.EstimatingTokenCounter;
import dev.llamakit.tokens.TokenCounter;
import java.util.List;

/**
 * The tokens of each unit of a {@link UnitLog} (the sum of {@link TokenCounter#count(Message)} over its messages),
 * kept between turns while the counter counts as before, and the smallest of them.
 *
 * <p>The counts are kept while the same counter is used and it has not changed: for an {@link EstimatingTokenCounter}
 * (any instance), while its calibration ratio is the same; for another counter, while it is the same object and
 * gives the same counts for a fixed probe of messages. When that no longer holds (the counter recalibrated), every
 * unit is counted again (the counter caches per message). Not thread-safe.
 */
public final class UnitTokens {
    private static final List<Message> PROBE = List.of(Message.user("probe"), Message.user(
            "A probe of a few dozen words, to notice when a counter that keeps no visible state starts counting "
                    + "differently: 12 numbers, Names, punctuation; and so on."), Message.system("ok"));

    private int[] tokens = new int[64];
    /** sums[i] = the tokens of units 0..i-1. */
    private long[] sums = new long[65];
    private int size;
    private Object counterKey;
    private long fingerprint;

    /**
     * Counts the units of {@code log} from {@code firstChanged} on (all of them when the counter changed).
     *
     * @param firstChanged what {@link UnitLog#sync} returned
     */
    public void sync(UnitLog log, int firstChanged, TokenCounter counter) {
        Object key;
        long print;
        if (counter instanceof EstimatingTokenCounter estimating) {
            key = EstimatingTokenCounter.class;
            print = Double.doubleToLongBits(estimating.ratio());
        } else {
            key = counter;
            print = counter.count(PROBE);
        }
        int from = Math.min(firstChanged, size);
        if (key != counterKey || print != fingerprint) {
            from = 0;
            counterKey = key;
            fingerprint = print;
        }
        int n = log.size();
        if (tokens.length < n) {
            int[] grown = new int[Math.max(n, tokens.length * 2)];
            System.arraycopy(tokens, 0, grown, 0, from);
            tokens = grown;
            sums = java.util.Arrays.copyOf(sums, grown.length + 1);
        }
        for (int i = from; i < n; i++) {
            tokens[i] = count(log.get(i), counter);
            sums[i + 1] = sums[i] + tokens[i];
        }
        size = n;
    }

    /** The tokens of unit {@code i}. */
    public int get(int i) {
        return tokens[i];
    }

    /** The tokens of units {@code from..to-1}. */
    public long sum(int from, int to) {
        return sums[to] - sums[from];
    }

    /** The sum of {@link TokenCounter#count(Message)} over the unit's messages. */
    public static int count(List<TranscriptEntry> unit, TokenCounter counter) {
        int total = 0;
        for (TranscriptEntry e : unit) {
            total += counter.count(e.message());
        }
        return total;
    }

    /** Whether the unit is a user message (starts a turn). */
    public static boolean startsTurn(List<TranscriptEntry> unit) {
        return unit.get(0).message() instanceof UserMessage;
    }
}
