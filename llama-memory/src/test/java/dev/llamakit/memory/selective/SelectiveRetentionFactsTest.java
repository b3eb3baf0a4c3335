package dev.llamakit.memory.selective;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fact heuristic of {@code selective-retention}. */
class SelectiveRetentionFactsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "the weather is mild today.                        | 0",
        "Hello there. The weather is mild.                 | 0",
        "I think I'm fine, OK?                             | 0",
        "we met Marta yesterday                            | 1",
        "Ada's birthday is 12 March.                       | 2",
        "my birthday is in march                           | 0",
        "March is my favourite month                       | 1",
        "it may rain                                       | 0",
        "write to ada.lovelace@example.org please          | 1",
        "the budget is 18,500 EUR                          | 2",
        "ticket LLAMA-204 is open                          | 1",
        "first line\\nSecond line starts a sentence          | 0",
        "Ask Bob, Carol, Dave and Erin about 7 items on 3 May | 3"})
    void countsNamesNumbersDatesAndEmails(String text, int facts) {
        assertThat(Facts.count(text.replace("\\n", "\n"), 3)).isEqualTo(facts);
    }

    @ParameterizedTest
    @CsvSource({"'', 0", "'   ', 0", "'...', 0"})
    void emptyTextsHaveNoFacts(String text, int facts) {
        assertThat(Facts.count(text, 3)).isEqualTo(facts);
        assertThat(Facts.count(null, 3)).isZero();
    }

    /**
     * Issue 14: looking for an e-mail address searched for '@' (and '.') to the end of the whole text for every word,
     * so a long message without one cost O(words x length). Counted in character reads, not in time.
     */
    @Test
    void readsEachCharacterABoundedNumberOfTimes() {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 200_000) {
            sb.append("the team agreed to ship on friday after review. ");
        }
        int[] reads = {0};
        CharSequence counting = new CharSequence() {
            @Override
            public int length() {
                return sb.length();
            }

            @Override
            public char charAt(int index) {
                reads[0]++;
                return sb.charAt(index);
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                reads[0] += end - start;
                return sb.subSequence(start, end);
            }

            @Override
            public String toString() {
                reads[0] += sb.length();
                return sb.toString();
            }
        };
        assertThat(Facts.count(counting, 3)).isZero();
        assertThat(reads[0]).as("character reads for %d characters", sb.length()).isLessThan(6 * sb.length());
    }
}
