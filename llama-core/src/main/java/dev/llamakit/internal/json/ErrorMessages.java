package dev.llamakit.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server's error message from the shapes seen in practice: {@code {"error": {"message": ...}}},
 * {@code {"error": "..."}}, RFC 9457 {@code {"title", "detail", "status"}}, {@code {"message": ...}}, an HTML
 * page from a proxy (its {@code <title>}, else its first text, at most {@value #MAX_HTML_CHARS} characters), or
 * plain text. Internal.
 */
public final class ErrorMessages {
    /** The longest message taken from an HTML page (a longer one is cut and ends with "..."). */
    public static final int MAX_HTML_CHARS = 200;

    private static final Pattern TITLE = Pattern.compile("(?is)<title\\b[^>]*>(.*?)</title\\s*>");
    private static final Pattern INVISIBLE = Pattern.compile("(?is)<!--.*?-->|<(script|style|head)\\b[^>]*>.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});");

    private ErrorMessages() {
    }

    /** The message in {@code body}, or {@code null} when the body is empty. */
    public static String fromBody(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return looksLikeMarkup(body) ? fromHtml(body) : body.trim();
        }
        if (root == null || !root.isObject()) {
            return body.trim();
        }
        JsonNode error = root.get("error");
        if (error != null) {
            if (error.isTextual()) {
                return error.asText();
            }
            String nested = Json.text(error, "message");
            if (nested != null) {
                return nested;
            }
        }
        String title = Json.text(root, "title");
        String detail = Json.text(root, "detail");
        if (title != null && detail != null) {
            return title + ": " + detail;
        }
        if (detail != null) {
            return detail;
        }
        if (title != null) {
            return title;
        }
        String message = Json.text(root, "message");
        return message != null ? message : root.toString();
    }

    /** An HTML (or XML) page: it starts with a tag and has a closing tag or a doctype. */
    static boolean looksLikeMarkup(String body) {
        String t = body.strip();
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1).strip();
        }
        if (!t.startsWith("<")) {
            return false;
        }
        String head = t.length() > 4096 ? t.substring(0, 4096) : t;
        return head.contains("</") || head.toLowerCase(Locale.ROOT).startsWith("<!doctype");
    }

    /** The page's title, else its visible text, whitespace collapsed and cut to {@link #MAX_HTML_CHARS}; null if none. */
    static String fromHtml(String html) {
        Matcher title = TITLE.matcher(html);
        if (title.find()) {
            String text = plain(title.group(1));
            if (!text.isEmpty()) {
                return cap(text);
            }
        }
        String text = plain(INVISIBLE.matcher(html).replaceAll(" "));
        return text.isEmpty() ? null : cap(text);
    }

    private static String plain(String markup) {
        String text = TAG.matcher(markup).replaceAll(" ");
        return decodeEntities(text).replaceAll("[\\s\\u00A0]+", " ").strip();
    }

    private static String decodeEntities(String text) {
        Matcher m = ENTITY.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(entity(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String entity(String name, String verbatim) {
        if (name.startsWith("#")) {
            boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
            int code = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
            return Character.isValidCodePoint(code) && code != 0 ? new String(Character.toChars(code)) : verbatim;
        }
        switch (name) {
            case "amp": return "&";
            case "lt": return "<";
            case "gt": return ">";
            case "quot": return "\"";
            case "apos": return "'";
            case "nbsp": return " ";
            default: return verbatim;
        }
    }

    private static String cap(String text) {
        if (text.length() <= MAX_HTML_CHARS) {
            return text;
        }
        int end = MAX_HTML_CHARS - 3;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end).strip() + "...";
    }
}
