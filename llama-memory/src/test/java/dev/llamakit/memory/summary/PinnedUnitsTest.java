package dev.llamakit.memory.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import dev.llamakit.tokens.EstimatingTokenCounter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pinned units kept between turns give what a whole regrouping of the transcript gives: the units of
 * {@link Transcript#units()} holding a pinned entry, ending before the verbatim part, taken newest first as far as the
 * room goes (one that does not fit is skipped). Transcripts grow turn by turn, with tool blocks, orphan results,
 * unanswered turns, system entries, and now and then a transcript loaded afresh (new entry objects).
 */
class PinnedUnitsTest {
    private static final Instant T = Instant.parse("2026-12-06T00:00:00Z");

    @Test
    void agreesWithTheWholeGroupingAsTheTranscriptGrows() {
        EstimatingTokenCounter counter = new EstimatingTokenCounter();
        Random random = new Random(18);
        for (int round = 0; round < 60; round++) {
            PinnedUnits kept = new PinnedUnits();
            List<TranscriptEntry> entries = new ArrayList<>();
            for (int turn = 0; turn < 40; turn++) {
                int more = 1 + random.nextInt(4);
                for (int i = 0; i < more; i++) {
                    entries.add(randomEntry(entries.size(), random));
                }
                if (random.nextInt(15) == 0) {
                    entries = reloaded(entries); // the same transcript read again: new objects
                }
                Transcript transcript = Transcript.of(List.copyOf(entries));
                kept.sync(transcript);
                long before = random.nextInt(entries.size() + 1);
                int room = random.nextInt(5) == 0 ? 0 : random.nextInt(200);
                assertThat(kept.newestThatFit(before, room, counter)).as("round %d turn %d before %d room %d", round, turn,
                        before, room).isEqualTo(reference(transcript, before, room, counter));
            }
        }
    }

    private static List<TranscriptUnit> reference(Transcript t, long before, int room, EstimatingTokenCounter counter) {
        List<List<TranscriptEntry>> pinned = t.units().stream().filter(u -> u.get(u.size() - 1).seq() < before
                && u.stream().anyMatch(e -> e.has(EntryFlag.PINNED))).toList();
        List<TranscriptUnit> kept = new ArrayList<>();
        int left = room;
        for (int k = pinned.size() - 1; k >= 0 && left > 0; k--) {
            TranscriptUnit u = TranscriptUnit.of(pinned.get(k), counter);
            if (u.tokens() <= left) {
                kept.add(0, u);
                left -= u.tokens();
            }
        }
        return kept;
    }

    private static TranscriptEntry randomEntry(int seq, Random random) {
        String id = "c" + random.nextInt(3);
        Message m = switch (random.nextInt(6)) {
            case 0 -> Message.user("question " + seq + " " + "word ".repeat(random.nextInt(30)));
            case 1 -> Message.assistant("answer " + seq + " " + "word ".repeat(random.nextInt(30)));
            case 2 -> AssistantMessage.ofToolCalls(List.of(new ToolCall(id, "lookup", "{}")));
            case 3, 4 -> Message.tool(random.nextInt(5) == 0 ? "c9" : id, "result " + seq);
            default -> Message.system("note " + seq);
        };
        Set<EntryFlag> flags = random.nextInt(10) == 0 ? Set.of(EntryFlag.UNANSWERED)
                : random.nextInt(4) == 0 ? Set.of(EntryFlag.PINNED) : Set.of();
        return new TranscriptEntry(seq, m, T, flags, null);
    }

    private static List<TranscriptEntry> reloaded(List<TranscriptEntry> entries) {
        List<TranscriptEntry> copy = new ArrayList<>();
        for (TranscriptEntry e : entries) {
            copy.add(new TranscriptEntry(e.seq(), e.message(), e.at(), e.flags(), e.usage()));
        }
        return copy;
    }
}
