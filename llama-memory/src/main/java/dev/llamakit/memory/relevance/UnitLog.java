package dev.llamakit.memory.relevance;

import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The units of one conversation's transcript ({@link Transcript#units()}), kept between turns and extended with the
 * new entries only.
 *
 * <p>A transcript is append-only, and its grouping is local: an entry that is not a tool result starts afresh (it
 * closes any open tool block), so the units that start before the last unit's first entry never change when entries
 * are appended. Each {@link #sync} therefore regroups only the entries from the last unit's first entry on (usually the
 * previous turn and the new one), with core's own {@link Transcript#units()} applied to that tail, renumbered. The
 * last unit is re-derived because it may still change: a tool block gains its results, or the user turn being answered
 * is later flagged unanswered.
 *
 * <p>A transcript that does not extend the one seen before (another conversation under the same id, a transcript
 * loaded again from a store, whose entries are new objects) is detected by the identity of the entries at the start
 * and at the regrouping point, and the log is rebuilt from it once. Not thread-safe: callers hold the conversation's
 * lock.
 */
public final class UnitLog {
    private final List<List<TranscriptEntry>> units = new ArrayList<>();
    /** The entry index where the last unit starts (0 when there is none): everything before it is final. */
    private int boundary;
    private TranscriptEntry first;
    private TranscriptEntry beforeBoundary;
    private int rebuilds;

    /**
     * Brings the log up to {@code transcript}.
     *
     * @return the index of the first unit that changed or is new (units before it are the same objects as before);
     *     0 after a rebuild
     */
    public int sync(Transcript transcript) {
        List<TranscriptEntry> entries = transcript.entries();
        if (!extendsSeen(entries)) {
            units.clear();
            boundary = 0;
            rebuilds++;
        }
        int keep = units.isEmpty() ? 0 : units.size() - 1;
        while (units.size() > keep) {
            units.remove(units.size() - 1);
        }
        if (boundary < entries.size()) {
            List<TranscriptEntry> tail = new ArrayList<>(entries.size() - boundary);
            for (int i = boundary; i < entries.size(); i++) {
                TranscriptEntry e = entries.get(i);
                tail.add(new TranscriptEntry(i - boundary, e.message(), e.at(), e.flags(), e.usage()));
            }
            for (List<TranscriptEntry> renumbered : Transcript.of(tail).units()) {
                List<TranscriptEntry> unit = new ArrayList<>(renumbered.size());
                for (TranscriptEntry e : renumbered) {
                    unit.add(entries.get(boundary + (int) e.seq()));
                }
                units.add(List.copyOf(unit));
            }
        }
        boundary = units.isEmpty() ? 0 : (int) units.get(units.size() - 1).get(0).seq();
        first = boundary == 0 ? null : entries.get(0);
        beforeBoundary = boundary == 0 ? null : entries.get(boundary - 1);
        return Math.min(keep, units.size());
    }

    private boolean extendsSeen(List<TranscriptEntry> entries) {
        if (boundary == 0) {
            return true; // everything is regrouped anyway
        }
        return entries.size() >= boundary && entries.get(0) == first && entries.get(boundary - 1) == beforeBoundary;
    }

    /** The units, as {@link Transcript#units()} gives them for the transcript of the last {@link #sync}. */
    public List<List<TranscriptEntry>> units() {
        return units;
    }

    public int size() {
        return units.size();
    }

    public List<TranscriptEntry> get(int unit) {
        return units.get(unit);
    }

    /** How many times the log was rebuilt from a whole transcript (for tests). */
    public int rebuilds() {
        return rebuilds;
    }
}
