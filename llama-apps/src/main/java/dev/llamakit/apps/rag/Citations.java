package dev.llamakit.apps.rag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Citation markers in an answer: {@code [1]}, {@code [1, 2]}, {@code [1][2]} (adjacent markers are read one by
 * one). {@link #renumber(String, int)} maps the valid numbers (1 to the number of sources) to 1, 2, ... in order of
 * first citation, rewrites the markers accordingly, and drops the numbers that point at no source (a marker
 * holding only such numbers is removed with the space before it).
 */
public final class Citations {
    private static final Pattern MARKER = Pattern.compile("\\s?\\[(\\d{1,6}(?:\\s*,\\s*\\d{1,6})*)\\]");

    private Citations() {
    }

    /**
     * The result of renumbering: the rewritten text, the original numbers of the cited sources in order of first
     * citation (new number {@code i + 1} is {@code citedOriginals.get(i)}), and the invalid numbers in order of
     * first appearance.
     */
    public record Renumbered(String text, List<Integer> citedOriginals, List<Integer> invalid) {
    }

    /** Renumbers the markers of {@code answer} citing sources {@code 1..sourceCount}. */
    public static Renumbered renumber(String answer, int sourceCount) {
        Map<Integer, Integer> mapping = new LinkedHashMap<>();
        Set<Integer> invalid = new LinkedHashSet<>();
        Matcher m = MARKER.matcher(answer);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String leading = m.group().startsWith("[") ? "" : m.group().substring(0, 1);
            List<Integer> kept = new ArrayList<>();
            for (String part : m.group(1).split(",")) {
                int n = Integer.parseInt(part.strip());
                if (n >= 1 && n <= sourceCount) {
                    int mapped = mapping.computeIfAbsent(n, k -> mapping.size() + 1);
                    if (!kept.contains(mapped)) {
                        kept.add(mapped);
                    }
                } else {
                    invalid.add(n);
                }
            }
            String replacement = kept.isEmpty() ? "" : leading + "[" + String.join(", ", kept.stream().map(String::valueOf).toList()) + "]";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return new Renumbered(out.toString(), List.copyOf(mapping.keySet()), List.copyOf(invalid));
    }
}
