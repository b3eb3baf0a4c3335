package dev.llamakit.memory.selective;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.relevance.LexicalIndex;
import dev.llamakit.memory.relevance.PostingsIndex;
import dev.llamakit.memory.relevance.UnitLog;
import dev.llamakit.memory.relevance.UnitTokens;
import dev.llamakit.tokens.TokenCounter;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link SelectiveRetentionStrategy} keeps for one conversation between turns, extended with the new units only:
 * the units, their tokens, a BM25 postings index over their texts, their importance and the pinned ones; plus scratch
 * arrays reused by every selection. Callers hold its lock.
 */
final class SelectionState {
    final UnitLog log = new UnitLog();
    final UnitTokens tokens = new UnitTokens();
    final PostingsIndex index = new PostingsIndex();
    /** Per unit: the importance in [0, 1]. */
    double[] importance = new double[64];
    /** Ascending indices of the units holding a pinned entry. */
    int[] pinned = new int[16];
    int pinnedCount;
    int indexed;

    // scratch, reused
    double[] scores = new double[0];
    double[] relevance = new double[0];
    int[] heap = new int[0];
    int[] mark = new int[0];
    int[] order = new int[0];
    int epoch;

    /** Brings everything up to the transcript; returns the units. */
    List<List<TranscriptEntry>> sync(Transcript transcript, TokenCounter counter, boolean indexTexts) {
        int from = log.sync(transcript);
        tokens.sync(log, from, counter);
        int n = log.size();
        while (pinnedCount > 0 && pinned[pinnedCount - 1] >= from) {
            pinnedCount--;
        }
        if (importance.length < n) {
            importance = Arrays.copyOf(importance, Math.max(n, importance.length * 2));
        }
        for (int i = from; i < n; i++) {
            List<TranscriptEntry> unit = log.get(i);
            importance[i] = importance(unit);
            if (has(unit, EntryFlag.PINNED)) {
                if (pinnedCount == pinned.length) {
                    pinned = Arrays.copyOf(pinned, pinnedCount * 2);
                }
                pinned[pinnedCount++] = i;
            }
        }
        if (indexTexts) {
            int keep = Math.min(from, indexed);
            index.truncate(keep);
            for (int i = keep; i < n; i++) {
                index.add(LexicalIndex.terms(textOf(log.get(i))));
            }
            indexed = n;
        }
        if (scores.length < n) {
            int size = Math.max(n, scores.length * 2);
            scores = new double[size];
            relevance = new double[size];
            heap = new int[size];
            mark = new int[size];
            order = new int[size];
            epoch = 0;
        }
        return log.units();
    }

    private static final double FACT_VALUE = 0.25;
    private static final int FACT_CAP = 3;

    static double importance(List<TranscriptEntry> unit) {
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

    static boolean has(List<TranscriptEntry> unit, EntryFlag flag) {
        for (TranscriptEntry e : unit) {
            if (e.has(flag)) {
                return true;
            }
        }
        return false;
    }

    /** The text a unit is matched on: message texts plus tool-call names and arguments. */
    static String textOf(List<TranscriptEntry> unit) {
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
}
