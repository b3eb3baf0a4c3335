package dev.llamakit.memory;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The full history of a conversation, append-only: an immutable snapshot of its entries in order. Memory
 * strategies read it and never change it; they choose what goes into the next request.
 */
public final class Transcript {
    private static final Transcript EMPTY = new Transcript(List.of());

    private final List<TranscriptEntry> entries;
    private volatile List<List<TranscriptEntry>> units;

    private Transcript(List<TranscriptEntry> entries) {
        this.entries = entries;
    }

    /** A transcript of these entries, whose {@code seq} must run 0, 1, 2... */
    public static Transcript of(List<TranscriptEntry> entries) {
        List<TranscriptEntry> copy = List.copyOf(Objects.requireNonNull(entries, "entries"));
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).seq() != i) {
                throw new IllegalArgumentException("transcript entries must be numbered 0, 1, 2...: entry " + i
                        + " has seq " + copy.get(i).seq());
            }
        }
        return copy.isEmpty() ? EMPTY : new Transcript(copy);
    }

    /** A transcript of plain messages (numbered in order, all added now); for tests and tools. */
    public static Transcript ofMessages(List<? extends Message> messages) {
        List<TranscriptEntry> entries = new ArrayList<>(messages.size());
        java.time.Instant now = java.time.Instant.now();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(TranscriptEntry.of(i, messages.get(i), now));
        }
        return of(entries);
    }

    public static Transcript empty() {
        return EMPTY;
    }

    public List<TranscriptEntry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public TranscriptEntry get(int seq) {
        return entries.get(seq);
    }

    /** The messages, in order. */
    public List<Message> messages() {
        List<Message> messages = new ArrayList<>(entries.size());
        entries.forEach(e -> messages.add(e.message()));
        return messages;
    }

    /** A transcript with {@code more} appended (numbered on from this one's size). */
    public Transcript append(List<TranscriptEntry> more) {
        List<TranscriptEntry> all = new ArrayList<>(entries.size() + more.size());
        all.addAll(entries);
        all.addAll(more);
        return of(all);
    }

    /**
     * The entries that can go into a request, grouped so that a group is kept or dropped whole: an assistant
     * message with tool calls together with the tool results that follow it; every other message alone.
     * Left out, because a server would reject them: unanswered user turns, tool results that answer no call of the
     * assistant message they follow (or answer one a second time), and tool calls that did not get all their
     * results (an interrupted tool loop).
     */
    public List<List<TranscriptEntry>> units() {
        List<List<TranscriptEntry>> cached = units;
        if (cached == null) {
            cached = computeUnits();
            units = cached;
        }
        return cached;
    }

    private List<List<TranscriptEntry>> computeUnits() {
        List<List<TranscriptEntry>> units = new ArrayList<>();
        List<TranscriptEntry> open = null;
        java.util.Set<String> unanswered = new java.util.HashSet<>();
        for (TranscriptEntry e : entries) {
            Message m = e.message();
            if (e.has(EntryFlag.UNANSWERED)) {
                open = null;
                continue;
            }
            if (m instanceof ToolMessage t) {
                // only a result for a call of the open block that has no result yet can be sent
                if (open != null && unanswered.remove(t.toolCallId())) {
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
                unanswered.clear();
                a.toolCalls().forEach(c -> unanswered.add(c.id()));
            }
        }
        List<List<TranscriptEntry>> frozen = new ArrayList<>(units.size());
        for (List<TranscriptEntry> unit : units) {
            if (isComplete(unit)) {
                frozen.add(List.copyOf(unit));
            }
        }
        return List.copyOf(frozen);
    }

    private static boolean isComplete(List<TranscriptEntry> unit) {
        if (!(unit.get(0).message() instanceof AssistantMessage a) || !a.hasToolCalls()) {
            return true;
        }
        java.util.Set<String> answered = new java.util.HashSet<>();
        for (int i = 1; i < unit.size(); i++) {
            answered.add(((ToolMessage) unit.get(i).message()).toolCallId());
        }
        return a.toolCalls().stream().allMatch(c -> answered.contains(c.id()));
    }

    @Override
    public String toString() {
        return "Transcript[" + entries.size() + " entries]";
    }
}
