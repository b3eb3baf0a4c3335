package dev.llamakit.memory;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.SystemMessage;
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
    private volatile List<SystemMessage> systemEntries;

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
     * message with tool calls together with the tool results that follow it; every other message alone. This is the
     * one grouping of a transcript: every strategy (and {@link TranscriptUnit}) works on it.
     * Left out, because a server would reject them: unanswered user turns, tool results that answer no call of the
     * assistant message they follow (or answer one a second time), and tool calls that did not get all their
     * results (an interrupted tool loop). System entries are left out too: they are not sent where they stand but
     * folded into the request's one system message ({@link #systemMessage(SystemMessage)}); they do not interrupt a
     * tool block.
     */
    public List<List<TranscriptEntry>> units() {
        List<List<TranscriptEntry>> cached = units;
        if (cached == null) {
            cached = group(0, Integer.MAX_VALUE);
            units = cached;
        }
        return cached;
    }

    /**
     * The units of {@link #units()} that start after entry {@code seq}, in order (all of them when {@code seq} is
     * negative). Reads only the entries after {@code seq}: a unit depends only on the entries from its first one on,
     * so this is exactly the tail of {@link #units()}.
     */
    public List<List<TranscriptEntry>> unitsAfter(long seq) {
        List<List<TranscriptEntry>> cached = units;
        int from = (int) Math.max(0, Math.min(entries.size(), seq + 1));
        if (cached != null) {
            return cached.subList(firstStartingAt(cached, from), cached.size());
        }
        return group(from, Integer.MAX_VALUE);
    }

    private static int firstStartingAt(List<List<TranscriptEntry>> units, int from) {
        int lo = 0;
        int hi = units.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (units.get(mid).get(0).seq() < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The system entries (a system message recorded into the conversation), in order; they are not sent where they
     * stand but folded into the request's system message.
     */
    public List<SystemMessage> systemEntries() {
        List<SystemMessage> cached = systemEntries;
        if (cached == null) {
            List<SystemMessage> found = new ArrayList<>();
            for (TranscriptEntry e : entries) {
                if (e.message() instanceof SystemMessage s && !e.has(EntryFlag.UNANSWERED)) {
                    found.add(s);
                }
            }
            cached = List.copyOf(found);
            systemEntries = cached;
        }
        return cached;
    }

    /**
     * The one system message of a request for this transcript: {@code head} (the conversation's system prompt, may
     * be null) followed by the text of every {@linkplain #systemEntries() system entry}, in order, each after a blank
     * line; {@code head} itself when there are none (null when there is nothing at all). Nothing a caller recorded is
     * dropped, and a request never holds a second system message further down.
     */
    public SystemMessage systemMessage(SystemMessage head) {
        List<SystemMessage> more = systemEntries();
        if (more.isEmpty()) {
            return head;
        }
        StringBuilder sb = new StringBuilder(head == null ? "" : head.text());
        for (SystemMessage s : more) {
            if (s.text().isBlank()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(s.text());
        }
        return head != null && sb.length() == head.text().length() ? head : new SystemMessage(sb.toString());
    }

    /** Groups the entries from index {@code from} on into at most {@code limit} units (see {@link #units()}). */
    private List<List<TranscriptEntry>> group(int from, int limit) {
        List<List<TranscriptEntry>> units = new ArrayList<>();
        List<TranscriptEntry> open = null;
        java.util.Set<String> unanswered = new java.util.HashSet<>();
        for (int i = from; i < entries.size(); i++) {
            TranscriptEntry e = entries.get(i);
            Message m = e.message();
            if (e.has(EntryFlag.UNANSWERED)) {
                open = null;
                continue;
            }
            if (m instanceof SystemMessage) {
                continue; // folded into the system message; does not close a tool block
            }
            if (m instanceof ToolMessage t) {
                // only a result for a call of the open block that has no result yet can be sent
                if (open != null && unanswered.remove(t.toolCallId())) {
                    open.add(e);
                }
                continue;
            }
            if (units.size() == limit) {
                break;
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
