package dev.llamakit.apps.text;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a sentence split from a document is: prose, a list item or a table row (which may answer a question), or a
 * heading, a table's header or rule row, a row of measurements, a line of code or a command line, a question (which never answer one).
 * Judged on the text alone, as rendered from Markdown or HTML (code spans in quotes, code blocks as plain lines);
 * {@link SourceText} knows better when the file itself is at hand.
 */
public enum SentenceKind {
    PROSE, LIST_ITEM, TABLE_ROW, TABLE_HEADER, TABLE_DATA, HEADING, CODE, QUESTION;

    private static final Pattern LIST_MARKER = Pattern.compile("^(?:[-*+\u2022]\\s+|\\d{1,3}[.)]\\s+)");
    private static final Pattern RULE_ROW = Pattern.compile("^\\|?[\\s:|-]*-{3,}[\\s:|-]*\\|?$");
    private static final Pattern QUOTED = Pattern.compile("\"[^\"\\n]*\"|\u00ab[^\u00bb]*\u00bb|`[^`]*`");
    private static final Pattern CALL = Pattern.compile("[A-Za-z_][\\w.]*\\([^()]*\\)\\s*[;{.)]|^[\\w.]+\\(.*\\)$");
    private static final Pattern OPTION = Pattern.compile("(?:^|\\s)--?[a-zA-Z][\\w-]*");
    private static final Set<String> COMMANDS = Set.of("llama", "mvn", "java", "git", "curl", "docker", "npm",
            "pip", "cd", "export", "echo", "printf", "cat", "ls", "python", "python3", "gradle", "kubectl", "sudo",
            "apt", "apt-get", "brew", "wget", "jq", "make", "node", "go", "cargo");

    /** Whether {@code line} is a Markdown table's rule row ({@code |---|:--:|}), which follows its header row. */
    public static boolean isRuleRow(String line) {
        return RULE_ROW.matcher(Objects.requireNonNull(line, "line").strip()).matches();
    }

    /** Whether a sentence of this kind may be quoted as an answer. */
    public boolean citable() {
        return this == PROSE || this == LIST_ITEM || this == TABLE_ROW;
    }

    /** The kind of {@code sentence}, split from {@code text}. */
    public static SentenceKind of(String text, Sentences.Sentence sentence) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentence, "sentence");
        String t = sentence.text().strip();
        String line = lineOf(text, sentence.start());
        if (line.startsWith("|")) {
            // a row is judged whole: a sentence break inside it ("| How is X done? | like this |") splits no row
            t = line;
        }
        if (t.startsWith("|") || (t.endsWith("|") && t.indexOf('|') < t.length() - 1)) {
            int lineEnd = text.indexOf('\n', sentence.start());
            if (RULE_ROW.matcher(t).matches()
                    || RULE_ROW.matcher(nextLine(text, lineEnd < 0 ? text.length() : lineEnd - 1)).matches()) {
                return TABLE_HEADER;
            }
            String cells = t.replaceAll("^\\|+|\\|+$", "").strip();
            String first = cells.split("(?<!\\\\)\\|", 2)[0].strip();
            if (first.endsWith("?") || cells.endsWith("?")) {
                return QUESTION;
            }
            return isDataRow(cells) ? TABLE_DATA : TABLE_ROW;
        }
        if (t.startsWith("#") || t.startsWith("```") || t.startsWith("~~~")) {
            return t.startsWith("#") ? HEADING : CODE;
        }
        boolean item = LIST_MARKER.matcher(t).find();
        String body = LIST_MARKER.matcher(t).replaceFirst("");
        if (isCode(body) || isCommand(body)) {
            return CODE;
        }
        if (Headings.isHeading(text, sentence)) {
            return HEADING;
        }
        if (body.endsWith("?")) {
            return QUESTION;
        }
        return item ? LIST_ITEM : PROSE;
    }

    /** A row of measurements or flags ({@code | 16 | 24.5 | 9 | ok |}): mostly short cells, no statement to quote. */
    private static boolean isDataRow(String cells) {
        String[] parts = cells.split("(?<!\\\\)\\|");
        int shortCells = 0;
        for (String p : parts) {
            String c = p.strip();
            if (c.length() <= 12 && c.split("\\s+").length <= 2) {
                shortCells++;
            }
        }
        return shortCells >= 3 && shortCells * 2 >= parts.length;
    }

    /** Whether {@code text} reads as a line of code: statements, calls, assignments, markup. */
    public static boolean isCode(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return false;
        }
        String u = QUOTED.matcher(t).replaceAll("\"\"").strip();
        if (u.endsWith(";") || u.endsWith("{") || u.startsWith("}") || u.startsWith("{") || u.startsWith("//")
                || u.startsWith("@") || u.startsWith("import ") || u.startsWith("def ") || u.startsWith("return ")
                || u.contains("->") || u.contains(" = ") || u.contains("==") || u.contains("::")
                || CALL.matcher(u).find()) {
            return true;
        }
        long symbols = t.chars().filter(c -> "(){}[];=<>\\$".indexOf(c) >= 0).count();
        long letters = t.chars().filter(Character::isLetter).count();
        return letters == 0 || symbols * 6 > letters;
    }

    /** Whether {@code text} is a shell command line ({@code $ ./llama ...}, {@code mvn -q ...}). */
    public static boolean isCommand(String text) {
        String t = text.strip();
        if (t.startsWith("$ ") || t.startsWith("./") || t.startsWith("% ") || t.startsWith("C:\\>")) {
            return true;
        }
        String first = t.split("\\s+", 2)[0];
        String u = QUOTED.matcher(t).replaceAll("\"\"");
        boolean endsLikeProse = t.endsWith(".") || t.endsWith(":") || t.endsWith("!");
        if (COMMANDS.contains(first) && t.contains(" ") && !endsLikeProse && Character.isLowerCase(t.charAt(0))) {
            return true;
        }
        return !endsLikeProse && OPTION.matcher(u).find() && u.matches("^[\\w./-]+\\s.*");
    }

    /** The whole line of {@code text} around {@code offset}, stripped. */
    public static String lineOf(String text, int offset) {
        int start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
        if (offset == 0) {
            start = 0;
        }
        int end = text.indexOf('\n', offset);
        return text.substring(start, end < 0 ? text.length() : end).strip();
    }

    private static String nextLine(String text, int from) {
        int nl = text.indexOf('\n', from);
        if (nl < 0) {
            return "";
        }
        int end = text.indexOf('\n', nl + 1);
        return text.substring(nl + 1, end < 0 ? text.length() : end).strip();
    }
}
