package dev.llamakit.memory.relevance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small in-memory BM25 index over the messages of one transcript (k1 = 1.2, b = 0.75), for scoring past
 * messages by relevance to the current turn. Terms are lower-cased letter/digit runs minus English stop words,
 * with a light plural stemmer. Immutable once built; build it per selection or keep one per transcript size.
 */
public final class LexicalIndex {
    private static final double K1 = 1.2;
    private static final double B = 0.75;
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by", "for",
            "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
            "these", "they", "this", "to", "was", "will", "with", "what", "about", "do", "does", "did", "i", "you", "me",
            "my", "your", "we", "our", "can", "could", "would", "should", "how", "which", "who", "when", "where", "why");

    private final List<Map<String, Integer>> termFrequencies;
    private final int[] lengths;
    private final Map<String, Integer> documentFrequencies;
    private final double averageLength;

    private LexicalIndex(List<Map<String, Integer>> termFrequencies, int[] lengths, Map<String, Integer> documentFrequencies) {
        this.termFrequencies = termFrequencies;
        this.lengths = lengths;
        this.documentFrequencies = documentFrequencies;
        long total = 0;
        for (int l : lengths) {
            total += l;
        }
        this.averageLength = lengths.length == 0 ? 0 : (double) total / lengths.length;
    }

    /** Indexes the texts; document {@code i} is {@code texts.get(i)}. */
    public static LexicalIndex of(List<String> texts) {
        List<Map<String, Integer>> tfs = new ArrayList<>(texts.size());
        int[] lengths = new int[texts.size()];
        Map<String, Integer> df = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            List<String> terms = terms(texts.get(i));
            Map<String, Integer> tf = new HashMap<>();
            for (String t : terms) {
                tf.merge(t, 1, Integer::sum);
            }
            tf.keySet().forEach(t -> df.merge(t, 1, Integer::sum));
            tfs.add(tf);
            lengths[i] = terms.size();
        }
        return new LexicalIndex(tfs, lengths, df);
    }

    /** The number of indexed documents. */
    public int size() {
        return lengths.length;
    }

    /** The BM25 score of document {@code doc} for the query's terms (0 when nothing matches). */
    public double score(int doc, List<String> queryTerms) {
        Map<String, Integer> tf = termFrequencies.get(doc);
        double score = 0;
        int n = lengths.length;
        for (String term : queryTerms) {
            Integer f = tf.get(term);
            if (f == null) {
                continue;
            }
            int df = documentFrequencies.getOrDefault(term, 0);
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            double norm = f * (K1 + 1) / (f + K1 * (1 - B + B * (averageLength == 0 ? 0 : lengths[doc] / averageLength)));
            score += idf * norm;
        }
        return score;
    }

    /** The terms of a text: lower-cased letter/digit runs, stop words removed, plurals stemmed. */
    public static List<String> terms(String text) {
        List<String> terms = new ArrayList<>();
        if (text == null) {
            return terms;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean word = i < lower.length() && Character.isLetterOrDigit(lower.charAt(i));
            if (word && start < 0) {
                start = i;
            } else if (!word && start >= 0) {
                String t = lower.substring(start, i);
                if (!STOP_WORDS.contains(t)) {
                    terms.add(stem(t));
                }
                start = -1;
            }
        }
        return terms;
    }

    private static String stem(String t) {
        if (t.length() > 4 && t.endsWith("ies")) {
            return t.substring(0, t.length() - 3) + "y";
        }
        if (t.length() > 3 && t.endsWith("s") && !t.endsWith("ss") && !t.endsWith("us")) {
            return t.substring(0, t.length() - 1);
        }
        return t;
    }
}
