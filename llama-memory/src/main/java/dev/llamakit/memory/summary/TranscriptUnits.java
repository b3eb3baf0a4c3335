package dev.llamakit.memory.summary;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Units of part of a transcript, grouped exactly as {@link Transcript#units()} groups the whole: so that a strategy
 * whose state says what is already covered reads only the entries after it, not the whole transcript.
 */
public final class TranscriptUnits {
    private TranscriptUnits() {
    }

    /**
     * The units made of the entries after {@code throughSeq} (all of them when it is negative). {@code throughSeq}
     * must end a unit (or an entry that is in none), as a running summary's boundary does.
     */
    public static List<List<TranscriptEntry>> after(Transcript transcript, long throughSeq) {
        List<TranscriptEntry> entries = transcript.entries();
        int from = (int) Math.max(0, Math.min(entries.size(), throughSeq + 1));
        List<List<TranscriptEntry>> units = new ArrayList<>();
        List<TranscriptEntry> open = null;
        for (int i = from; i < entries.size(); i++) {
            TranscriptEntry e = entries.get(i);
            Message m = e.message();
            if (e.has(EntryFlag.UNANSWERED)) {
                open = null;
                continue;
            }
            if (m instanceof ToolMessage) {
                if (open != null) {
                    open.add(e);
                }
                continue;
            }
            open = null;
            List<TranscriptEntry> unit = new ArrayList<>(2);
            unit.add(e);
            units.add(unit);
            if (m instanceof AssistantMessage a && a.hasToolCalls()) {
                open = unit;
            }
        }
        List<List<TranscriptEntry>> complete = new ArrayList<>(units.size());
        for (List<TranscriptEntry> unit : units) {
            if (isComplete(unit)) {
                complete.add(List.copyOf(unit));
            }
        }
        return complete;
    }

    /** The index of the first unit of {@code units} (in transcript order) that starts after {@code throughSeq}. */
    public static int firstAfter(List<List<TranscriptEntry>> units, long throughSeq) {
        int lo = 0;
        int hi = units.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (units.get(mid).get(0).seq() <= throughSeq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The units holding a {@link EntryFlag#PINNED} entry that lie wholly before {@code beforeSeq}, in order. Scans
     * the flags of those entries (cheap: no copying, no token counting).
     */
    public static List<List<TranscriptEntry>> pinnedBefore(Transcript transcript, long beforeSeq) {
        List<TranscriptEntry> entries = transcript.entries();
        int end = (int) Math.max(0, Math.min(entries.size(), beforeSeq));
        Set<Integer> starts = new LinkedHashSet<>();
        for (int i = 0; i < end; i++) {
            TranscriptEntry e = entries.get(i);
            if (e.has(EntryFlag.PINNED) && !e.has(EntryFlag.UNANSWERED)) {
                int start = i;
                while (start > 0 && entries.get(start).message() instanceof ToolMessage) {
                    start--;
                }
                starts.add(start);
            }
        }
        List<List<TranscriptEntry>> units = new ArrayList<>(starts.size());
        for (int start : starts) {
            List<TranscriptEntry> unit = unitAt(entries, start);
            if (unit != null && unit.get(unit.size() - 1).seq() < beforeSeq) {
                units.add(unit);
            }
        }
        return units;
    }

    /** The unit starting at {@code start}, or null when the entry there starts no valid unit. */
    private static List<TranscriptEntry> unitAt(List<TranscriptEntry> entries, int start) {
        TranscriptEntry first = entries.get(start);
        if (first.has(EntryFlag.UNANSWERED) || first.message() instanceof ToolMessage) {
            return null;
        }
        List<TranscriptEntry> unit = new ArrayList<>(2);
        unit.add(first);
        if (first.message() instanceof AssistantMessage a && a.hasToolCalls()) {
            for (int i = start + 1; i < entries.size(); i++) {
                TranscriptEntry e = entries.get(i);
                if (e.has(EntryFlag.UNANSWERED) || !(e.message() instanceof ToolMessage)) {
                    break;
                }
                unit.add(e);
            }
        }
        return isComplete(unit) ? List.copyOf(unit) : null;
    }

    private static boolean isComplete(List<TranscriptEntry> unit) {
        if (!(unit.get(0).message() instanceof AssistantMessage a) || !a.hasToolCalls()) {
            return true;
        }
        Set<String> answered = new HashSet<>();
        for (int i = 1; i < unit.size(); i++) {
            answered.add(((ToolMessage) unit.get(i).message()).toolCallId());
        }
        for (ToolCall call : a.toolCalls()) {
            if (!answered.contains(call.id())) {
                return false;
            }
        }
        return true;
    }
}
