package dev.llamakit.apps.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The file a document was loaded from, as written: finds the line a passage of the loaded (rendered) text comes
 * from, and tells whether that line is inside a fenced code block or is a Markdown heading. Passages are matched on
 * their letters and digits only, so what rendering changes (code spans in quotes, link syntax, emphasis, escapes)
 * does not matter.
 */
public final class SourceText {
    /** Files larger than this are not read (their lines stay unknown). */
    static final long MAX_BYTES = 8L << 20;
    private static final int PROBE_CHARS = 80;

    private final String normalized;
    private final int[] lineOf;
    private final boolean[] code;
    private final boolean[] heading;
    private final int[] lineStart;
    private final String[] lines;

    private SourceText(String raw) {
        lines = raw.split("\r\n|\r|\n", -1);
        code = new boolean[lines.length + 1];
        heading = new boolean[lines.length + 1];
        lineStart = new int[lines.length + 2];
        boolean inFence = false;
        StringBuilder sb = new StringBuilder();
        int[] map = new int[raw.length()];
        for (int i = 0; i < lines.length; i++) {
            String strip = lines[i].strip();
            boolean fence = CodeFences.isFence(strip);
            code[i + 1] = inFence || fence;
            if (fence) {
                inFence = !inFence;
            }
            heading[i + 1] = !code[i + 1] && strip.matches("#{1,6}\\s.*");
            lineStart[i + 1] = sb.length();
            for (int k = 0; k < lines[i].length(); k++) {
                char c = lines[i].charAt(k);
                if (Character.isLetterOrDigit(c)) {
                    map[sb.length()] = i + 1;
                    sb.append(Character.toLowerCase(c));
                }
            }
        }
        lineStart[lines.length + 1] = sb.length();
        normalized = sb.toString();
        lineOf = java.util.Arrays.copyOf(map, sb.length());
    }

    /** The source of {@code raw} text. */
    public static SourceText of(String raw) {
        return new SourceText(Objects.requireNonNull(raw, "raw"));
    }

    /** The file at {@code path}, or empty when it cannot be read as UTF-8 text or is over 8 MiB. */
    public static Optional<SourceText> read(Path path) {
        try {
            if (!Files.isRegularFile(path) || Files.size(path) > MAX_BYTES) {
                return Optional.empty();
            }
            return Optional.of(of(new String(Files.readAllBytes(path), StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The 1-based line where {@code passage} starts, or empty when it is not found: its first occurrence on or after
     * {@code fromLine}, else its last one before it.
     */
    public OptionalInt lineOf(String passage, int fromLine) {
        String key = normalize(passage);
        if (key.isEmpty()) {
            return OptionalInt.empty();
        }
        key = key.substring(0, Math.min(PROBE_CHARS, key.length()));
        int from = lineStart[Math.max(1, Math.min(fromLine, lineStart.length - 1))];
        int at = normalized.indexOf(key, from);
        if (at < 0) {
            at = normalized.lastIndexOf(key, from);
        }
        return at < 0 ? OptionalInt.empty() : OptionalInt.of(lineOf[at]);
    }

    /** Whether the 1-based {@code line} is inside a fenced code block (fences included). */
    public boolean inCode(int line) {
        return line >= 1 && line < code.length && code[line];
    }

    /** Whether the 1-based {@code line} is a Markdown heading ({@code # Title}). */
    public boolean isHeading(int line) {
        return line >= 1 && line < heading.length && heading[line];
    }

    /**
     * The header row of the Markdown table the 1-based {@code line} is a row of (the row above its rule row
     * {@code |---|}), or empty when the line is not in a table with a header.
     */
    public Optional<String> tableHeader(int line) {
        if (line < 1 || line > lines.length || !lines[line - 1].strip().startsWith("|")) {
            return Optional.empty();
        }
        int first = line;
        while (first > 1 && lines[first - 2].strip().startsWith("|")) {
            first--;
        }
        if (first + 1 <= lines.length && first < line
                && SentenceKind.isRuleRow(lines[first])) {
            return Optional.of(lines[first - 1].strip());
        }
        return Optional.empty();
    }

    private static String normalize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }
}
