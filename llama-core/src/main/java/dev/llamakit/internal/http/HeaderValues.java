package dev.llamakit.internal.http;

import java.util.Locale;

/**
 * Checks header values before the JDK sees them: the JDK's own error quotes the whole value, so an API key
 * with a pasted zero-width space or a line break would end up in an exception message. These errors name the
 * header and the offending character, never the value. Internal.
 */
public final class HeaderValues {
    private HeaderValues() {
    }

    /**
     * Checks an API key: visible ASCII only (keys are tokens; anything else was pasted by accident).
     *
     * @throws IllegalArgumentException naming the character and its position, not the key
     */
    public static void requireValidKey(String key, String what) {
        for (int i = 0; i < key.length(); ) {
            int cp = key.codePointAt(i);
            if (cp < 0x21 || cp > 0x7E) {
                throw new IllegalArgumentException(what + " cannot be sent in an HTTP header: it contains "
                        + describe(cp) + " at position " + (i + 1) + " (often pasted along with the key; the key is not shown)");
            }
            i += Character.charCount(cp);
        }
    }

    /**
     * Checks any header value the way the HTTP grammar does (tab, visible ASCII, space and obs-text), naming the
     * header but never the value.
     */
    public static void requireValidValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c == '\t' || (c >= 0x20 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
            if (!ok) {
                throw new IllegalArgumentException("the value of header " + name + " cannot be sent: it contains "
                        + describe(value.codePointAt(i)) + " at position " + (i + 1) + " (the value is not shown)");
            }
        }
    }

    private static String describe(int cp) {
        String name = Character.getName(cp);
        return String.format(Locale.ROOT, "U+%04X", cp) + (name == null ? "" : " " + name);
    }
}
