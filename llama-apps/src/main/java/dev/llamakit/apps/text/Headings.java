package dev.llamakit.apps.text;

import java.util.Objects;

/**
 * Recognises section headings in plain text rendered from Markdown or HTML, where the {@code #} marks are gone: a
 * heading is a short line standing alone (a blank line or the start of the text before it, a blank line or the end
 * after it) that does not end like a sentence.
 */
public final class Headings {
    /** The most words a heading has. */
    static final int MAX_WORDS = 10;

    private Headings() {
    }

    /** Whether {@code sentence}, split from {@code text}, is a heading line. */
    public static boolean isHeading(String text, Sentences.Sentence sentence) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentence, "sentence");
        String t = sentence.text();
        if (t.contains("\n") || t.startsWith("- ") || t.startsWith("* ") || t.startsWith("|")) {
            return false;
        }
        char last = t.charAt(t.length() - 1);
        if (".!?:;,".indexOf(last) >= 0 || words(t) > MAX_WORDS) {
            return false;
        }
        return blankOrEdgeBefore(text, sentence.start()) && blankOrEdgeAfter(text, sentence.end());
    }

    private static boolean blankOrEdgeBefore(String text, int start) {
        int i = start - 1;
        while (i >= 0 && text.charAt(i) != '\n') {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
            i--;
        }
        if (i < 0) {
            return true;
        }
        i--;
        while (i >= 0 && text.charAt(i) != '\n') {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
            i--;
        }
        return true;
    }

    private static boolean blankOrEdgeAfter(String text, int end) {
        int i = end;
        while (i < text.length() && text.charAt(i) != '\n') {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
            i++;
        }
        if (i >= text.length()) {
            return true;
        }
        i++;
        while (i < text.length() && text.charAt(i) != '\n') {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
            i++;
        }
        return true;
    }

    /** The number of words (runs of letters and digits) in {@code t}. */
    public static int words(String t) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < t.length(); i++) {
            boolean letter = Character.isLetterOrDigit(t.charAt(i));
            if (letter && !inWord) {
                words++;
            }
            inWord = letter;
        }
        return words;
    }
}
