package dev.llamakit.memory.summary;

import dev.llamakit.memory.EntryFlag;
import dev.llamakit.tokens.TokenCounter;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.memory.relevance.UnitLog;
import dev.llamakit.memory.relevance.UnitTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One conversation's units that hold a pinned entry, kept between turns and extended with the new entries only (as
 * {@link UnitLog} keeps the units), so that adding pinned messages back costs the pinned units looked at, not a scan
 * and regrouping of the whole transcript every turn (the first turn of a conversation groups it once). Not thread-safe: the caller holds the
 * conversation's lock.
 */
final class PinnedUnits {
    private final UnitLog log = new UnitLog();
    /** The indexes (in {@link #log}) of the units that hold a pinned entry, ascending. */
    private int[] pinned = new int[16];
    private int count;

    /** Brings the units up to {@code transcript}. */
    void sync(Transcript transcript) {
        int changed = log.sync(transcript);
        while (count > 0 && pinned[count - 1] >= changed) {
            count--;
        }
        for (int u = changed; u < log.size(); u++) {
            if (holdsPinned(log.get(u))) {
                if (count == pinned.length) {
                    pinned = Arrays.copyOf(pinned, count * 2);
                }
                pinned[count++] = u;
            }
        }
    }

    /**
     * The pinned units that end before entry {@code beforeSeq} and fit {@code room} tokens, taken newest first (one
     * that does not fit is skipped), returned in transcript order: what
     * {@code Transcript.unitsFlagged(PINNED, beforeSeq)} followed by that selection would give.
     */
    List<TranscriptUnit> newestThatFit(long beforeSeq, int room, TokenCounter counter) {
        List<TranscriptUnit> kept = new ArrayList<>();
        int left = room;
        for (int k = count - 1; k >= 0 && left > 0; k--) {
            List<TranscriptEntry> unit = log.get(pinned[k]);
            if (unit.get(unit.size() - 1).seq() >= beforeSeq) {
                continue;
            }
            int t = UnitTokens.count(unit, counter); // only the pinned units looked at are counted
            if (t <= left) {
                kept.add(new TranscriptUnit(unit, t));
                left -= t;
            }
        }
        java.util.Collections.reverse(kept);
        return kept;
    }

    private static boolean holdsPinned(List<TranscriptEntry> unit) {
        for (TranscriptEntry e : unit) {
            if (e.has(EntryFlag.PINNED)) {
                return true;
            }
        }
        return false;
    }
}
