package dev.llamakit.memory.hierarchical;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.memory.relevance.LexicalIndex;
import dev.llamakit.memory.relevance.PostingsIndex;
import dev.llamakit.memory.relevance.UnitLog;
import dev.llamakit.memory.relevance.UnitTokens;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Long-term recall: picks whole exchanges (a user turn with the replies and tool blocks that follow it) from the
 * older part of a transcript. Exchanges holding a pinned message come first, newest first; then exchanges by BM25
 * relevance ({@link LexicalIndex}) of their text (messages, tool-call names and arguments, tool results) to the
 * current turn, ties going to the newer one. An exchange that does not fit the room left is skipped.
 *
 * <p>One per conversation, kept between turns: the exchanges of the conversation's units and a postings index of the
 * closed ones (those a later user turn ends), extended with the new units only. A selection scores from the postings
 * of the query terms over the exchanges before the window (the one the window cuts is scored as an extra document),
 * exactly as an index over those exchanges alone would, and takes exchanges from a heap only until nothing more can
 * fit. Callers hold the conversation's lock.
 */
final class LongTermRecall {
    private final PostingsIndex index = new PostingsIndex();
    /** Unit index where each exchange starts: 0, then every later user unit. */
    private int[] starts = new int[64];
    private int exchanges;
    /** Per closed exchange: whether it holds a pinned entry. */
    private boolean[] pinned = new boolean[64];

    private double[] scores = new double[0];
    private int[] heap = new int[0];
    private int[] taken = new int[0];
    private int epoch;

    /** Follows the unit log after a sync that changed units from {@code firstChanged} on. */
    void sync(UnitLog log, int firstChanged) {
        if (firstChanged == 0) {
            exchanges = 0;
        }
        while (exchanges > 1 && starts[exchanges - 1] >= firstChanged) {
            exchanges--;
        }
        int n = log.size();
        if (exchanges == 0 && n > 0) {
            starts[exchanges++] = 0;
        }
        int closedKept = Math.max(0, exchanges - 1);
        index.truncate(Math.min(index.size(), closedKept));
        int from = Math.max(firstChanged, exchanges == 0 ? 0 : starts[exchanges - 1] + 1);
        for (int i = Math.max(from, 1); i < n; i++) {
            if (log.get(i).get(0).message() instanceof UserMessage) {
                if (exchanges == starts.length) {
                    starts = Arrays.copyOf(starts, exchanges * 2);
                }
                starts[exchanges++] = i;
            }
        }
        if (pinned.length < exchanges) {
            pinned = Arrays.copyOf(pinned, Math.max(exchanges, pinned.length * 2));
        }
        for (int x = index.size(); x < exchanges - 1; x++) {
            index.add(LexicalIndex.terms(text(log, starts[x], starts[x + 1])));
            pinned[x] = hasPinned(log, starts[x], starts[x + 1]);
        }
        if (scores.length < exchanges) {
            int size = Math.max(exchanges, scores.length * 2);
            scores = new double[size];
            heap = new int[size];
            taken = new int[size];
            epoch = 0;
        }
    }

    /**
     * The indices (ascending) of the units of the recalled exchanges, among units {@code 0..older-1}.
     *
     * @param query the current turn's text
     * @param room the most tokens the recalled units may take
     */
    List<Integer> select(UnitLog log, UnitTokens tokens, int older, String query, int room) {
        if (older <= 0 || room <= 0) {
            return List.of();
        }
        // exchanges of units 0..older-1: those starting below `older`; the last ends at `older`
        int count = countStartsBelow(older);
        int lastStart = starts[count - 1];
        boolean lastClosed = count < exchanges && starts[count] == older;
        int epoch = ++this.epoch;
        if (epoch == Integer.MAX_VALUE) {
            Arrays.fill(taken, 0);
            this.epoch = epoch = 1;
        }
        List<Integer> picked = new ArrayList<>();
        int left = room;
        for (int x = count - 1; x >= 0 && left > 0; x--) {
            int end = x == count - 1 ? older : starts[x + 1];
            boolean isPinned = x == count - 1 && !lastClosed ? hasPinned(log, lastStart, older) : pinned[x];
            if (isPinned) {
                int t = (int) tokens.sum(starts[x], end);
                if (t <= left) {
                    left -= t;
                    taken[x] = epoch;
                    addRange(picked, starts[x], end);
                }
            }
        }
        List<String> queryTerms = LexicalIndex.terms(query);
        if (!queryTerms.isEmpty() && left > 0) {
            Arrays.fill(scores, 0, count, 0.0);
            if (lastClosed) {
                index.score(queryTerms, count, null, 0, scores);
            } else {
                List<String> lastTerms = LexicalIndex.terms(text(log, lastStart, older));
                Map<String, Integer> tf = PostingsIndex.frequencies(lastTerms);
                index.score(queryTerms, count - 1, tf, lastTerms.size(), scores);
            }
            int size = 0;
            long smallest = Long.MAX_VALUE;
            for (int x = 0; x < count; x++) {
                if (taken[x] != epoch && scores[x] > 0) {
                    heap[size++] = x;
                    smallest = Math.min(smallest, exchangeTokens(tokens, x, count, older));
                }
            }
            heapify(size);
            int misses = 0;
            while (size > 0 && left > 0 && left >= smallest) {
                int x = heap[0];
                heap[0] = heap[--size];
                siftDown(size, 0);
                int t = (int) exchangeTokens(tokens, x, count, older);
                if (t <= left) {
                    left -= t;
                    addRange(picked, starts[x], x == count - 1 ? older : starts[x + 1]);
                    misses = 0;
                } else if (++misses >= 32) {
                    int w = 0;
                    smallest = Long.MAX_VALUE;
                    for (int k = 0; k < size; k++) {
                        long u = exchangeTokens(tokens, heap[k], count, older);
                        if (u <= left) {
                            heap[w++] = heap[k];
                            smallest = Math.min(smallest, u);
                        }
                    }
                    size = w;
                    heapify(size);
                    misses = 0;
                }
            }
        }
        picked.sort(null);
        return picked;
    }

    private long exchangeTokens(UnitTokens tokens, int x, int count, int older) {
        return tokens.sum(starts[x], x == count - 1 ? older : starts[x + 1]);
    }

    private int countStartsBelow(int limit) {
        int lo = 0;
        int hi = exchanges;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] < limit) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private boolean before(int a, int b) {
        int c = Double.compare(scores[a], scores[b]);
        return c > 0 || (c == 0 && a > b);
    }

    private void heapify(int size) {
        for (int k = (size >>> 1) - 1; k >= 0; k--) {
            siftDown(size, k);
        }
    }

    private void siftDown(int size, int k) {
        int x = heap[k];
        while (true) {
            int child = 2 * k + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], x)) {
                break;
            }
            heap[k] = heap[child];
            k = child;
        }
        heap[k] = x;
    }

    private static boolean hasPinned(UnitLog log, int from, int to) {
        for (int i = from; i < to; i++) {
            for (TranscriptEntry e : log.get(i)) {
                if (e.has(EntryFlag.PINNED)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The text an exchange is matched on (units {@code from..to-1}). */
    private static String text(UnitLog log, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            for (TranscriptEntry e : log.get(i)) {
                sb.append(e.message().text()).append('\n');
                if (e.message() instanceof AssistantMessage a) {
                    for (ToolCall call : a.toolCalls()) {
                        sb.append(call.name()).append(' ').append(call.arguments()).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    private static void addRange(List<Integer> picked, int from, int to) {
        for (int i = from; i < to; i++) {
            picked.add(i);
        }
    }
}
