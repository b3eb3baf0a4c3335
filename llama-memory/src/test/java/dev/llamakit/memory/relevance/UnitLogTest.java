package dev.llamakit.memory.relevance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.testing.RandomTranscripts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14: the units kept and extended turn by turn are exactly core's {@link Transcript#units()} of each transcript. */
class UnitLogTest {

    @Test
    void extendedTurnByTurnEqualsCoreGrouping() {
        for (long seed = 1; seed <= 30; seed++) {
            RandomTranscripts conversation = new RandomTranscripts(seed);
            UnitLog log = new UnitLog();
            for (int turn = 0; turn < 60; turn++) {
                Transcript transcript = Transcript.of(conversation.nextTurn());
                log.sync(transcript);
                assertThat(log.units()).as("seed %d, turn %d", seed, turn).isEqualTo(transcript.units());
            }
            assertThat(log.rebuilds()).isZero();
        }
    }

    @Test
    void unitsBeforeTheChangedOneAreKeptAndOnlyNewEntriesAreGrouped() {
        RandomTranscripts conversation = new RandomTranscripts(3);
        UnitLog log = new UnitLog();
        List<List<TranscriptEntry>> before = List.of();
        for (int turn = 0; turn < 40; turn++) {
            Transcript transcript = Transcript.of(conversation.nextTurn());
            int from = log.sync(transcript);
            assertThat(from).isGreaterThanOrEqualTo(Math.max(0, before.size() - 1));
            for (int i = 0; i < from; i++) {
                assertThat(log.get(i)).isSameAs(before.get(i));
            }
            before = new ArrayList<>(log.units());
        }
    }

    @Test
    void aTranscriptThatIsNoExtensionIsRebuiltOnce() {
        RandomTranscripts conversation = new RandomTranscripts(5);
        UnitLog log = new UnitLog();
        List<TranscriptEntry> entries = List.of();
        for (int turn = 0; turn < 20; turn++) {
            entries = conversation.nextTurn();
            log.sync(Transcript.of(entries));
        }
        List<TranscriptEntry> copies = new ArrayList<>();
        for (TranscriptEntry e : entries) {
            copies.add(new TranscriptEntry(e.seq(), e.message(), e.at(), e.flags(), e.usage()));
        }
        log.sync(Transcript.of(copies));
        assertThat(log.rebuilds()).isEqualTo(1);
        assertThat(log.units()).isEqualTo(Transcript.of(copies).units());
        log.sync(Transcript.of(copies));
        assertThat(log.rebuilds()).isEqualTo(1);
        List<TranscriptEntry> other = new RandomTranscripts(6).nextTurn();
        log.sync(Transcript.of(other));
        assertThat(log.rebuilds()).isEqualTo(2);
        assertThat(log.units()).isEqualTo(Transcript.of(other).units());
    }
}
