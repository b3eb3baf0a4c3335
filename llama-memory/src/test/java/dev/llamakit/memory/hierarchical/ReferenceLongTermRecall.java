package dev.llamakit.memory.hierarchical;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.relevance.LexicalIndex;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Issue 14 reference: long-term recall before it became incremental (kept verbatim).
 * Long-term recall: picks whole exchanges (a user turn with the replies and tool blocks that follow it) from the
 * older part of a transcript. Exchanges holding a pinned message come first, newest first; then exchanges by BM25
 * relevance ({@link LexicalIndex}) of their text (messages, tool-call names and arguments, tool results) to the
 * current turn, ties going to the newer one. An exchange that does not fit the room left is skipped. Building the
 * index tokenizes the whole older part: O(its text) per selection.
 */
final class ReferenceLongTermRecall {
    private ReferenceLongTermRecall() {
    }

    /**
     * The indices (into {@code older}, ascending) of the units of the recalled exchanges.
     *
     * @param older the units before the short-term window, in order
     * @param query the current turn's text
     * @param room the most tokens the recalled units may take
     */
    static List<Integer> select(List<List<TranscriptEntry>> older, String query, int room, TokenCounter counter) {
        if (older.isEmpty() || room <= 0) {
            return List.of();
        }
        List<int[]> exchanges = exchanges(older);
        List<Integer> picked = new ArrayList<>();
        boolean[] taken = new boolean[exchanges.size()];
        int left = room;
        for (int x = exchanges.size() - 1; x >= 0 && left > 0; x--) {
            int[] range = exchanges.get(x);
            if (hasPinned(older, range)) {
                int tokens = tokens(older, range, counter);
                if (tokens <= left) {
                    left -= tokens;
                    taken[x] = true;
                    addRange(picked, range);
                }
            }
        }
        List<String> queryTerms = LexicalIndex.terms(query);
        if (!queryTerms.isEmpty() && left > 0) {
            List<String> texts = new ArrayList<>(exchanges.size());
            for (int[] range : exchanges) {
                texts.add(text(older, range));
            }
            LexicalIndex index = LexicalIndex.of(texts);
            List<double[]> scored = new ArrayList<>();
            for (int x = 0; x < exchanges.size(); x++) {
                double score = taken[x] ? 0 : index.score(x, queryTerms);
                if (score > 0) {
                    scored.add(new double[] {score, x});
                }
            }
            scored.sort(Comparator.<double[]>comparingDouble(s -> -s[0]).thenComparingDouble(s -> -s[1]));
            for (double[] s : scored) {
                if (left <= 0) {
                    break;
                }
                int[] range = exchanges.get((int) s[1]);
                int tokens = tokens(older, range, counter);
                if (tokens <= left) {
                    left -= tokens;
                    addRange(picked, range);
                }
            }
        }
        picked.sort(null);
        return picked;
    }

    /** [from, to) unit ranges, a new one at each user turn. */
    private static List<int[]> exchanges(List<List<TranscriptEntry>> units) {
        List<int[]> ranges = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= units.size(); i++) {
            if (i == units.size() || units.get(i).get(0).message() instanceof UserMessage) {
                ranges.add(new int[] {start, i});
                start = i;
            }
        }
        return ranges;
    }

    private static boolean hasPinned(List<List<TranscriptEntry>> units, int[] range) {
        for (int i = range[0]; i < range[1]; i++) {
            for (TranscriptEntry e : units.get(i)) {
                if (e.has(EntryFlag.PINNED)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int tokens(List<List<TranscriptEntry>> units, int[] range, TokenCounter counter) {
        int tokens = 0;
        for (int i = range[0]; i < range[1]; i++) {
            tokens += TranscriptUnit.of(units.get(i), counter).tokens();
        }
        return tokens;
    }

    private static String text(List<List<TranscriptEntry>> units, int[] range) {
        StringBuilder sb = new StringBuilder();
        for (int i = range[0]; i < range[1]; i++) {
            for (TranscriptEntry e : units.get(i)) {
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

    private static void addRange(List<Integer> picked, int[] range) {
        for (int i = range[0]; i < range[1]; i++) {
            picked.add(i);
        }
    }
}
