package dev.llamakit.memory;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One unit of {@link Transcript#units()} (a message, or an assistant tool call with all its results) together with
 * the tokens its messages take in a request: the unit type strategies that budget unit by unit work with. Make it
 * only from a unit of {@link Transcript#units()} (or {@link Transcript#unitsAfter(long)}), never by grouping entries
 * yourself.
 */
public record TranscriptUnit(List<TranscriptEntry> entries, int tokens) {
    public TranscriptUnit {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a unit has at least one entry");
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must not be negative");
        }
    }

    /** The unit of these entries, counted with {@code counter}. */
    public static TranscriptUnit of(List<TranscriptEntry> entries, TokenCounter counter) {
        int tokens = 0;
        for (TranscriptEntry e : entries) {
            tokens += counter.count(e.message());
        }
        return new TranscriptUnit(entries, tokens);
    }

    /** Counts every unit of {@code units}. */
    public static List<TranscriptUnit> ofAll(List<List<TranscriptEntry>> units, TokenCounter counter) {
        List<TranscriptUnit> counted = new ArrayList<>(units.size());
        for (List<TranscriptEntry> unit : units) {
            counted.add(of(unit, counter));
        }
        return counted;
    }

    public long firstSeq() {
        return entries.get(0).seq();
    }

    public long lastSeq() {
        return entries.get(entries.size() - 1).seq();
    }

    /** The number of messages. */
    public int size() {
        return entries.size();
    }

    /** Whether the unit is a user message, i.e. starts a turn. */
    public boolean startsTurn() {
        return entries.get(0).message() instanceof UserMessage;
    }

    /** Whether any of its entries carries {@code flag}. */
    public boolean has(EntryFlag flag) {
        for (TranscriptEntry e : entries) {
            if (e.has(flag)) {
                return true;
            }
        }
        return false;
    }

    /** The messages, in order. */
    public List<Message> messages() {
        List<Message> messages = new ArrayList<>(entries.size());
        entries.forEach(e -> messages.add(e.message()));
        return messages;
    }
}
