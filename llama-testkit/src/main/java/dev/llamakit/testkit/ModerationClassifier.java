package dev.llamakit.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The deterministic stand-in for Llama Guard: a text is flagged for a category when it contains
 * one of that category's keywords as a whole word or phrase, case-insensitively.
 *
 * <table>
 *   <caption>Keyword table</caption>
 *   <tr><th>keywords</th><th>category</th></tr>
 *   <tr><td>kill, murder</td><td>violent-crimes</td></tr>
 *   <tr><td>suicide, self-harm</td><td>self-harm</td></tr>
 *   <tr><td>ssn, social security number</td><td>privacy</td></tr>
 *   <tr><td>bomb</td><td>indiscriminate-weapons</td></tr>
 * </table>
 */
final class ModerationClassifier {

    /** All category slugs (the Llama Guard hazard taxonomy), in the order the OpenAI dialect lists them. */
    static final List<String> CATEGORIES = List.of(
            "violent-crimes", "non-violent-crimes", "sex-related-crimes", "child-sexual-exploitation",
            "defamation", "specialized-advice", "privacy", "intellectual-property", "indiscriminate-weapons",
            "hate", "self-harm", "sexual-content", "elections", "code-interpreter-abuse");

    private static final Map<Pattern, String> KEYWORDS = new LinkedHashMap<>();

    static {
        keyword("kill", "violent-crimes");
        keyword("murder", "violent-crimes");
        keyword("suicide", "self-harm");
        keyword("self-harm", "self-harm");
        keyword("ssn", "privacy");
        keyword("social security number", "privacy");
        keyword("bomb", "indiscriminate-weapons");
    }

    private ModerationClassifier() {
    }

    private static void keyword(String phrase, String category) {
        String regex = "(?<![\\p{L}\\p{N}])" + Pattern.quote(phrase).replace(" ", "\\E\\s+\\Q") + "(?![\\p{L}\\p{N}])";
        KEYWORDS.put(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), category);
    }

    /** The flagged category slugs of {@code text}, in {@link #CATEGORIES} order. */
    static List<String> classify(String text) {
        Set<String> found = new TreeSet<>((a, b) -> CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b));
        String lower = text.toLowerCase(Locale.ROOT);
        KEYWORDS.forEach((pattern, category) -> {
            if (pattern.matcher(lower).find()) {
                found.add(category);
            }
        });
        return List.copyOf(found);
    }
}
