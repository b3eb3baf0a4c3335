package dev.llamakit.retrieval.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Picks the best passage of a hit's text for a query: the sentence whose analysed terms carry the most query weight
 * (each matched query term counts its weight, idf × its count in the query, saturated by how often it occurs in the
 * sentence, BM25-style). The text is analysed once with the retriever's analyzer, so "mice" matches "mouse" exactly
 * when the index says so. A sentence longer than {@value #MAX_CHARS} characters (text without punctuation) is cut to
 * a window around its first match. With no match in the text (the hit matched on its title), the first sentence.
 * Thread-safe.
 */
final class PassageFinder {
    static final int MAX_CHARS = 400;
    private static final float K = 1.2f;

    private final Analyzer analyzer;
    private final String field;

    PassageFinder(Analyzer analyzer, String field) {
        this.analyzer = analyzer;
        this.field = field;
    }

    /** The best passage of {@code text}, or {@code null} when the text is blank. */
    String best(String text, Map<String, Float> weights) {
        if (text.isBlank()) {
            return null;
        }
        List<int[]> sentences = sentences(text);
        // per sentence: term -> occurrences
        List<Map<String, Integer>> matches = new ArrayList<>(sentences.size());
        int[] firstMatch = new int[sentences.size()];
        for (int i = 0; i < sentences.size(); i++) {
            matches.add(null);
            firstMatch[i] = -1;
        }
        try (TokenStream ts = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
            ts.reset();
            int s = 0;
            while (ts.incrementToken()) {
                String t = term.toString();
                if (!weights.containsKey(t)) {
                    continue;
                }
                int start = offset.startOffset();
                while (s < sentences.size() - 1 && start >= sentences.get(s)[1]) {
                    s++;
                }
                Map<String, Integer> m = matches.get(s);
                if (m == null) {
                    m = new HashMap<>();
                    matches.set(s, m);
                    firstMatch[s] = start;
                }
                m.merge(t, 1, Integer::sum);
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory text: cannot happen
        }
        int best = 0;
        double bestScore = 0;
        for (int i = 0; i < sentences.size(); i++) {
            Map<String, Integer> m = matches.get(i);
            if (m == null) {
                continue;
            }
            double score = 0;
            for (Map.Entry<String, Integer> e : m.entrySet()) {
                int tf = e.getValue();
                score += weights.get(e.getKey()) * (tf * (K + 1)) / (tf + K);
            }
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        int[] span = sentences.get(best);
        return window(text, span[0], span[1], firstMatch[best]);
    }

    /** [start, end) of each sentence, covering the text. */
    private static List<int[]> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        List<int[]> spans = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            spans.add(new int[] {start, end});
        }
        if (spans.isEmpty()) {
            spans.add(new int[] {0, text.length()});
        }
        return spans;
    }

    /** The sentence, stripped; cut to {@link #MAX_CHARS} around {@code anchor} (its first match) when longer. */
    private static String window(String text, int start, int end, int anchor) {
        String sentence = text.substring(start, end).strip();
        if (sentence.length() <= MAX_CHARS) {
            return sentence;
        }
        int from = anchor < 0 ? start : Math.max(start, anchor - MAX_CHARS / 4);
        int to = Math.min(end, from + MAX_CHARS);
        // snap to whitespace so that no word is cut
        if (from > start) {
            int space = text.indexOf(' ', from);
            from = space < 0 || space >= to ? from : space + 1;
        }
        if (to < end) {
            int space = text.lastIndexOf(' ', to);
            to = space <= from ? to : space;
        }
        return (from > start ? "…" : "") + text.substring(from, to).strip() + (to < end ? "…" : "");
    }
}
