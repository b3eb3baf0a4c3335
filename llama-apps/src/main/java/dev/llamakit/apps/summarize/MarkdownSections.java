package dev.llamakit.apps.summarize;

import dev.llamakit.apps.text.CodeFences;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown cut into its sections: at the headings of the highest level that occurs at least twice ({@code #} lines
 * inside fenced code blocks are not headings). Text before the first such heading is a section without a heading.
 * A text with fewer than two such headings is one section.
 */
final class MarkdownSections {
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})[ \\t]+(.+?)[ \\t#]*$");

    private MarkdownSections() {
    }

    /** A section: its heading's text (empty for text before the first heading) and its body. */
    record Section(String heading, String body) {
        Section {
            Objects.requireNonNull(heading, "heading");
            Objects.requireNonNull(body, "body");
        }
    }

    static List<Section> split(String text) {
        String[] lines = text.split("\n", -1);
        int[] level = new int[lines.length];
        int[] count = new int[7];
        boolean inFence = false;
        for (int i = 0; i < lines.length; i++) {
            if (CodeFences.isFence(lines[i])) {
                inFence = !inFence;
                continue;
            }
            Matcher m = inFence ? null : HEADING.matcher(lines[i]);
            if (m != null && m.matches()) {
                level[i] = m.group(1).length();
                count[level[i]]++;
            }
        }
        int cut = 0;
        for (int l = 1; l <= 6 && cut == 0; l++) {
            if (count[l] >= 2) {
                cut = l;
            }
        }
        List<Section> out = new ArrayList<>();
        if (cut == 0) {
            out.add(new Section("", text));
            return out;
        }
        String heading = "";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (level[i] != 0 && level[i] <= cut) {
                if (!heading.isEmpty() || !body.toString().isBlank()) {
                    out.add(new Section(heading, body.toString()));
                }
                Matcher m = HEADING.matcher(lines[i]);
                heading = m.matches() ? m.group(2).strip() : lines[i].strip();
                body.setLength(0);
                continue;
            }
            body.append(lines[i]).append('\n');
        }
        if (!heading.isEmpty() || !body.toString().isBlank()) {
            out.add(new Section(heading, body.toString()));
        }
        return out;
    }
}
