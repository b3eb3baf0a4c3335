package dev.llamakit.apps.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Markdown's fenced code blocks ({@code ```} or {@code ~~~} lines): which lines open or close one. */
public final class CodeFences {
    private CodeFences() {
    }

    /** Whether {@code line} opens or closes a fenced code block. */
    public static boolean isFence(String line) {
        String strip = Objects.requireNonNull(line, "line").strip();
        return strip.startsWith("```") || strip.startsWith("~~~");
    }

    /** Whether {@code text} ends inside a fenced code block (it opens more fences than it closes). */
    public static boolean endsInside(String text) {
        boolean inside = false;
        for (String line : Objects.requireNonNull(text, "text").split("\n", -1)) {
            if (isFence(line)) {
                inside = !inside;
            }
        }
        return inside;
    }

    /**
     * Consecutive pieces of one text, each made whole on its own: a piece that ends inside a code block gets a closing
     * fence, and the next one an opening fence, so that code is still code when a piece is read alone.
     */
    public static List<String> closeAcross(List<String> pieces) {
        List<String> out = new ArrayList<>(pieces.size());
        boolean open = false;
        for (String piece : pieces) {
            String whole = open ? "```\n" + piece : piece;
            open = endsInside(whole);
            out.add(open ? whole + "\n```" : whole);
        }
        return out;
    }
}
