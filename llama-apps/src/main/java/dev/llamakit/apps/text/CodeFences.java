package dev.llamakit.apps.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Markdown's fenced code blocks ({@code ```} or {@code ~~~} lines): which lines open or close one. */
public final class CodeFences {
    /** A fence line: three backticks or tildes after any indentation (a fence inside a list item is indented). */
    private static final Pattern FENCE = Pattern.compile("^[ \\t]*(```|~~~)");
    private static final Pattern FENCE_LINE = Pattern.compile("(?m)^[ \\t]*(```|~~~)");

    private CodeFences() {
    }

    /** Whether {@code line} opens or closes a fenced code block. */
    public static boolean isFence(String line) {
        return FENCE.matcher(Objects.requireNonNull(line, "line")).find();
    }

    /** The fence ({@code ```} or {@code ~~~}) of the code block {@code text} ends inside, or empty when it ends outside one. */
    public static Optional<String> openAtEnd(String text) {
        Matcher m = FENCE_LINE.matcher(Objects.requireNonNull(text, "text"));
        int count = 0;
        String last = null;
        while (m.find()) {
            count++;
            last = m.group(1);
        }
        return count % 2 == 1 ? Optional.of(last) : Optional.empty();
    }

    /**
     * Consecutive pieces of one text, each made whole on its own: a piece that ends inside a code block gets a closing
     * fence, and the next one an opening fence, so that code is still code when a piece is read alone.
     */
    public static List<String> closeAcross(List<String> pieces) {
        List<String> out = new ArrayList<>(pieces.size());
        String reopen = "";
        for (String piece : pieces) {
            String whole = reopen + piece;
            Optional<String> open = openAtEnd(whole);
            reopen = open.map(f -> f + "\n").orElse("");
            out.add(open.map(f -> whole + "\n" + f).orElse(whole));
        }
        return out;
    }
}
