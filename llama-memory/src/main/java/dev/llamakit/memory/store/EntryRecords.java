package dev.llamakit.memory.store;

import dev.llamakit.memory.TranscriptEntry;
import java.util.Objects;

/**
 * One transcript entry as the JSON object the file store writes inside its {@code entries} records (format version
 * {@value RecordFormat#VERSION}): the one serializer of entries, shared by every durable store (the JDBC store keeps
 * these objects in its {@code payload} column).
 *
 * <pre>
 * {"seq":1,"at":"2026-03-01T10:15:31Z","role":"assistant","text":"A cat.","stop_reason":"length","usage":{...}}
 * </pre>
 */
public final class EntryRecords {
    private EntryRecords() {
    }

    /** The entry as one JSON object (no checksum, no line break). */
    public static String toJson(TranscriptEntry entry) {
        return RecordFormat.entryToJson(Objects.requireNonNull(entry, "entry"));
    }

    /**
     * The entry of a JSON object written by {@link #toJson}.
     *
     * @throws IllegalArgumentException when it is not a valid entry record, saying what is wrong
     */
    public static TranscriptEntry fromJson(String json) {
        return RecordFormat.entryFromJson(Objects.requireNonNull(json, "json"));
    }
}
