package dev.llamakit.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How replies are cut into stream deltas: text into words (each with the whitespace that follows
 * it; leading whitespace stays with the first), tool arguments into pieces of
 * {@value #ARGUMENT_PIECE} code points. Concatenating the pieces gives back the input exactly.
 */
final class StreamChunks {

    /** Code points per tool-argument fragment. */
    static final int ARGUMENT_PIECE = 8;

    private static final Pattern WORD_WITH_SPACE = Pattern.compile("\\s*\\S+\\s*");

    private StreamChunks() {
    }

    static List<String> words(String text) {
        List<String> chunks = new ArrayList<>();
        Matcher matcher = WORD_WITH_SPACE.matcher(text);
        int end = 0;
        while (matcher.find()) {
            chunks.add(matcher.group());
            end = matcher.end();
        }
        if (end < text.length()) { // whitespace-only text
            chunks.add(text.substring(end));
        }
        return chunks;
    }

    static List<String> argumentPieces(String arguments) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < arguments.length()) {
            int end = arguments.offsetByCodePoints(start,
                    Math.min(ARGUMENT_PIECE, arguments.codePointCount(start, arguments.length())));
            pieces.add(arguments.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
