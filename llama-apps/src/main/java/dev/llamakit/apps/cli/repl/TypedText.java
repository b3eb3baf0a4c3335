package dev.llamakit.apps.cli.repl;

import java.util.regex.Pattern;

/** What a typed line becomes before the chat sees it. */
public final class TypedText {
    /**
     * Terminal escape sequences: CSI ({@code ESC [ ... final}, e.g. the arrow keys' {@code ESC [ D}), SS3
     * ({@code ESC O D}), OSC ({@code ESC ] ... BEL}) and two-character ones ({@code ESC x}).
     */
    private static final Pattern ESCAPES = Pattern.compile(
            "\u001b\\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001bO.|\u001b\\][^\u0007\u001b]*(?:\u0007|\u001b\\\\)?|\u001b.?");
    /** C0 and C1 controls but tab and newline, and DEL. */
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f\\x80-\\x9f]");

    private TypedText() {
    }

    /** {@code line} without terminal escape sequences and control characters (tabs and newlines stay). */
    public static String clean(String line) {
        String s = line.replace("\r\n", "\n");
        s = ESCAPES.matcher(s).replaceAll("");
        return CONTROLS.matcher(s).replaceAll("");
    }

    /** Whether {@code line} continues on the next one: it ends with a backslash that is not itself escaped. */
    public static boolean continues(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    /** Joins continued lines: each {@code \} before a newline is removed, the newline kept. */
    public static String joinContinuations(String text) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            boolean last = i == lines.length - 1;
            out.append(!last && continues(l) ? l.substring(0, l.length() - 1) : l);
            if (!last) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
