package dev.llamakit.memory;

import dev.llamakit.chat.Message;
import dev.llamakit.chat.Usage;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One message of a transcript with its position ({@code seq}, from 0, gap-free), when it was added, its flags,
 * and, for replies, the token usage the server reported.
 */
public record TranscriptEntry(long seq, Message message, Instant at, Set<EntryFlag> flags, Usage usage) {
    public TranscriptEntry {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(flags, "flags");
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    /** An entry without flags or usage. */
    public static TranscriptEntry of(long seq, Message message, Instant at) {
        return new TranscriptEntry(seq, message, at, Set.of(), null);
    }

    public boolean has(EntryFlag flag) {
        return flags.contains(flag);
    }

    /** The usage the server reported for this reply, if any. */
    public Optional<Usage> usageIfKnown() {
        return Optional.ofNullable(usage);
    }

    /** The same entry with another flag. */
    public TranscriptEntry withFlag(EntryFlag flag) {
        EnumSet<EntryFlag> more = flags.isEmpty() ? EnumSet.noneOf(EntryFlag.class) : EnumSet.copyOf(flags);
        more.add(flag);
        return new TranscriptEntry(seq, message, at, more, usage);
    }
}
