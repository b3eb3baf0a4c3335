package dev.llamakit.apps.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of TOML the configuration and keys files use: comments, {@code [table.sub]} headers and
 * {@code key = "string"} lines (basic strings with escapes, or 'literal' strings). Anything else is an error naming
 * the file and the line.
 */
final class TomlSubset {
    /** One {@code key = value} line under its table header ({@code []} at the top); a header alone has a null key. */
    record Entry(List<String> table, String key, String value, int line) {
        boolean header() {
            return key == null;
        }
    }

    private final Path path;
    private final String text;
    private int line;
    private int pos;
    private int end;

    private TomlSubset(Path path, String text) {
        this.path = path;
        this.text = text;
    }

    /** The entries of {@code text} in file order; {@code path} only names the file in errors. */
    static List<Entry> parse(Path path, String text) {
        return new TomlSubset(path, text).entries();
    }

    /** A TOML basic string: {@code "..."} with {@code \"}, {@code \\} and control characters escaped. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A key as written: bare when it is letters, digits, {@code -} and {@code _}, else quoted. */
    static String key(String key) {
        return isBare(key) ? key : quote(key);
    }

    static boolean isBare(String key) {
        return !key.isEmpty() && key.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'));
    }

    private List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        List<String> table = List.of();
        int start = 0;
        line = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            end = nl < 0 ? text.length() : nl;
            if (end > start && text.charAt(end - 1) == '\r') {
                end--;
            }
            line++;
            pos = start;
            skipSpace();
            if (pos < end && text.charAt(pos) != '#') {
                if (text.charAt(pos) == '[') {
                    pos++;
                    if (pos < end && text.charAt(pos) == '[') {
                        throw error("arrays of tables ([[...]]) are not used here; write [profiles.NAME]");
                    }
                    table = List.copyOf(dottedKey());
                    expect(']', "expected ']' to close the table header");
                    entries.add(new Entry(table, null, null, line));
                } else {
                    List<String> key = dottedKey();
                    if (key.size() != 1) {
                        throw error("write dotted keys as a table header, e.g. [profiles.NAME]");
                    }
                    expect('=', "expected '=' after '" + key.get(0) + "'");
                    skipSpace();
                    entries.add(new Entry(table, key.get(0), string(), line));
                }
                skipSpace();
                if (pos < end && text.charAt(pos) != '#') {
                    throw error("unexpected text after the value: put a comment after '#'");
                }
            }
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return entries;
    }

    private List<String> dottedKey() {
        List<String> parts = new ArrayList<>();
        do {
            skipSpace();
            if (pos < end && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')) {
                parts.add(string());
            } else {
                int from = pos;
                while (pos < end && isBare(String.valueOf(text.charAt(pos)))) {
                    pos++;
                }
                if (from == pos) {
                    throw error("expected a name (letters, digits, '-', '_') or a quoted name");
                }
                parts.add(text.substring(from, pos));
            }
            skipSpace();
        } while (pos < end && text.charAt(pos) == '.' && ++pos > 0);
        return parts;
    }

    private String string() {
        if (pos >= end || (text.charAt(pos) != '"' && text.charAt(pos) != '\'')) {
            throw error("expected a value in quotes, e.g. key = \"value\"");
        }
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < end) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && quote == '"') {
                if (pos >= end) {
                    break;
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > end) {
                            throw error("\\u needs four hex digits");
                        }
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("\\u needs four hex digits");
                        }
                        pos += 4;
                    }
                    default -> throw error("unknown escape \\" + e + " in a string (write \\\\ for a backslash)");
                }
            } else {
                sb.append(c);
            }
        }
        throw error("the string is not closed: a " + quote + " is missing at the end of the line");
    }

    private void expect(char c, String message) {
        skipSpace();
        if (pos >= end || text.charAt(pos) != c) {
            throw error(message);
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < end && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private ConfigException error(String message) {
        return new ConfigException(path + ":" + line + ": " + message);
    }
}
