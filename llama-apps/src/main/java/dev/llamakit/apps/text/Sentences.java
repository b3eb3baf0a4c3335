package dev.llamakit.apps.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Splits text into sentences with exact offsets. Blocks are first cut at paragraph breaks (a blank line) and before
 * lines that start a Markdown block (a heading {@code #}, a list item {@code -}, {@code *}, {@code +} or {@code 1.},
 * a table row {@code |}, a quote {@code >}) and after a heading, table row or code fence line, so headings and list items never run into the next sentence; each
 * block is then split with {@link BreakIterator#getSentenceInstance(Locale)} ({@link Locale#ROOT}). Every sentence
 * is trimmed of surrounding whitespace and {@code text.substring(s.start(), s.end())} equals {@code s.text()}.
 */
public final class Sentences {
    private static final Pattern BLOCK_START = Pattern.compile("^[ \\t]*(#{1,6}\\s|[-*+]\\s|\\d{1,3}[.)]\\s|\\||>|```)");

    private static final Pattern SINGLE_LINE = Pattern.compile("^[ \\t]*(#{1,6}\\s|\\||```)");

    private Sentences() {
    }

    /** One sentence: its text and its offsets {@code [start, end)} in the text it came from. */
    public record Sentence(String text, int start, int end) {
        public Sentence {
            Objects.requireNonNull(text, "text");
            if (start < 0 || end < start || end - start != text.length()) {
                throw new IllegalArgumentException("bad sentence offsets [" + start + ", " + end + ")");
            }
        }

        /** The text on one line: whitespace runs (line breaks included) become single spaces. */
        public String normalized() {
            return text.replaceAll("\\s+", " ");
        }
    }

    /** The sentences of {@code text}, in order; empty for blank or null text. */
    public static List<Sentence> split(String text) {
        List<Sentence> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (int[] block : blocks(text)) {
            BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
            String blockText = text.substring(block[0], block[1]);
            it.setText(blockText);
            int s = it.first();
            for (int e = it.next(); e != BreakIterator.DONE; s = e, e = it.next()) {
                add(text, block[0] + s, block[0] + e, out);
            }
        }
        return out;
    }

    private static List<int[]> blocks(String text) {
        List<int[]> blocks = new ArrayList<>();
        int blockStart = 0;
        int lineStart = 0;
        boolean previousBlank = false;
        boolean previousSingleLine = false;
        while (lineStart <= text.length()) {
            int nl = text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? text.length() : nl;
            String line = text.substring(lineStart, lineEnd);
            boolean blank = line.isBlank();
            boolean startsBlock = !blank && (previousBlank || previousSingleLine || BLOCK_START.matcher(line).find());
            if (startsBlock && lineStart > blockStart) {
                blocks.add(new int[] {blockStart, lineStart});
                blockStart = lineStart;
            }
            previousBlank = blank;
            previousSingleLine = SINGLE_LINE.matcher(line).find();
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
        }
        blocks.add(new int[] {blockStart, text.length()});
        return blocks;
    }

    private static void add(String text, int start, int end, List<Sentence> out) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end > start) {
            out.add(new Sentence(text.substring(start, end), start, end));
        }
    }
}
