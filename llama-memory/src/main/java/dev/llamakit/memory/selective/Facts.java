package dev.llamakit.memory.selective;

import java.util.Locale;
import java.util.Set;

/**
 * Counts "facts" in a text, the kind of detail worth keeping: names (capitalised words that do not start a
 * sentence), numbers, dates (month names; "May" only as a name) and e-mail addresses. A heuristic for English; one pass, linear in the
 * text (each character is read a bounded number of times).
 */
final class Facts {
    private static final Set<String> MONTHS = Set.of("january", "february", "march", "april", "june", "july",
            "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
            "sep", "sept", "oct", "nov", "dec");
    /** Capitalised words that are not names even mid-sentence. */
    private static final Set<String> NOT_NAMES = Set.of("I", "I'm", "I've", "I'll", "I'd", "OK");

    private Facts() {
    }

    /** The number of facts in {@code text}, counting at most {@code cap}; reads each character a bounded number of times. */
    static int count(CharSequence text, int cap) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int facts = 0;
        boolean sentenceStart = true;
        int i = 0;
        int n = text.length();
        while (i < n && facts < cap) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (c == '\n') {
                    sentenceStart = true;
                }
                i++;
                continue;
            }
            int end = i;
            while (end < n && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            if (isFact(text, i, end, sentenceStart)) {
                facts++;
            }
            char lastChar = text.charAt(end - 1);
            sentenceStart = lastChar == '.' || lastChar == '!' || lastChar == '?';
            i = end;
        }
        return facts;
    }

    /** Whether the token {@code text[from, to)} is a fact; allocates only for capitalised words. */
    private static boolean isFact(CharSequence text, int from, int to, boolean sentenceStart) {
        // only within the token: searching to the end of the text for every word made the scan quadratic
        int at = indexOf(text, '@', from, to);
        int dot = at < 0 ? -1 : indexOf(text, '.', at + 1, to);
        if (at > from && at < to - 1 && dot > at && dot < to - 1) {
            return true; // an e-mail address
        }
        while (from < to && !Character.isLetterOrDigit(text.charAt(from))) {
            from++;
        }
        while (to > from && !Character.isLetterOrDigit(text.charAt(to - 1))) {
            to--;
        }
        if (to - from > 2 && (text.charAt(to - 1) == 's' || text.charAt(to - 1) == 'S')
                && (text.charAt(to - 2) == '\'' || text.charAt(to - 2) == '\u2019')) {
            to -= 2; // a possessive
        }
        if (from >= to) {
            return false;
        }
        for (int k = from; k < to; k++) {
            if (Character.isDigit(text.charAt(k))) {
                return true; // a number, an amount, a date, an identifier
            }
        }
        if (!Character.isUpperCase(text.charAt(from))) {
            return false;
        }
        String word = text.subSequence(from, to).toString();
        if (MONTHS.contains(word.toLowerCase(Locale.ROOT))) {
            return true;
        }
        return !sentenceStart && !NOT_NAMES.contains(word);
    }

    /** The first index of {@code c} in {@code text[from, to)}, or -1. */
    private static int indexOf(CharSequence text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
