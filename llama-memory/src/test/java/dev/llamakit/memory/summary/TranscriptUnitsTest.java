package dev.llamakit.memory.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.tck.SampleTranscripts;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptUnitsTest {

    @Test
    void groupsAnySuffixExactlyAsTheTranscriptGroupsTheWhole() {
        for (long seed = 1; seed <= 12; seed++) {
            Transcript t = SampleTranscripts.conversation(30 + (int) seed, seed);
            List<List<TranscriptEntry>> all = t.units();
            assertThat(TranscriptUnits.after(t, -1)).isEqualTo(all);
            for (int i = 0; i < all.size(); i++) {
                long through = all.get(i).get(all.get(i).size() - 1).seq();
                assertThat(TranscriptUnits.after(t, through)).as("seed %d after %d", seed, through)
                        .isEqualTo(all.subList(i + 1, all.size()));
                assertThat(TranscriptUnits.firstAfter(all, through)).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void findsPinnedUnitsWholeAndBeforeTheGivenEntry() {
        for (long seed = 1; seed <= 12; seed++) {
            Transcript t = SampleTranscripts.conversation(40, seed);
            List<List<TranscriptEntry>> expected = t.units().stream()
                    .filter(u -> u.stream().anyMatch(e -> e.has(EntryFlag.PINNED)))
                    .filter(u -> u.get(u.size() - 1).seq() < 50)
                    .toList();
            assertThat(TranscriptUnits.pinnedBefore(t, 50)).isEqualTo(expected);
        }
    }
}
