package dev.llamakit.memory.relevance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The incremental form of {@link LexicalIndex}: documents are appended (and the newest ones can be removed again),
 * each term keeps its postings (document, term frequency) in document order, and a query is scored from the postings
 * of its terms only, over any prefix of the documents, with exactly the arithmetic of {@link LexicalIndex#score} (so
 * the scores are the same doubles). Not thread-safe.
 */
public final class PostingsIndex {
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    private final Map<String, Postings> postings = new HashMap<>();
    /** Per document, the postings it added to (to remove it again). */
    private final List<Postings[]> added = new ArrayList<>();
    private int[] lengths = new int[64];
    /** lengthSums[d] = the lengths of documents 0..d-1. */
    private long[] lengthSums = new long[65];

    /** The number of documents. */
    public int size() {
        return added.size();
    }

    /** Appends a document made of these terms (as {@link LexicalIndex#terms} gives them). */
    public void add(List<String> terms) {
        Map<String, Integer> tf = new HashMap<>();
        for (String t : terms) {
            tf.merge(t, 1, Integer::sum);
        }
        int doc = added.size();
        Postings[] touched = new Postings[tf.size()];
        int k = 0;
        for (Map.Entry<String, Integer> e : tf.entrySet()) {
            Postings p = postings.computeIfAbsent(e.getKey(), x -> new Postings());
            p.add(doc, e.getValue());
            touched[k++] = p;
        }
        added.add(touched);
        if (lengths.length <= doc) {
            lengths = java.util.Arrays.copyOf(lengths, lengths.length * 2);
            lengthSums = java.util.Arrays.copyOf(lengthSums, lengths.length + 1);
        }
        lengths[doc] = terms.size();
        lengthSums[doc + 1] = lengthSums[doc] + terms.size();
    }

    /** Removes the newest documents until {@code docs} are left. */
    public void truncate(int docs) {
        while (added.size() > docs) {
            for (Postings p : added.remove(added.size() - 1)) {
                p.size--;
            }
        }
    }

    /**
     * Adds to {@code scores[d]} the BM25 score of document {@code d < docs} for {@code queryTerms}, as a
     * {@link LexicalIndex} over documents {@code 0..docs-1} (plus {@code extra}, when given, as document {@code docs})
     * would compute it: term by term in query order, so the sums are the same. Touches only the postings of the query
     * terms. {@code scores} must be zero where documents are scored.
     *
     * @param extra one more document that is not in the index (its term frequencies and length), or null
     */
    public void score(List<String> queryTerms, int docs, Map<String, Integer> extra, int extraLength, double[] scores) {
        int n = docs + (extra == null ? 0 : 1);
        if (n == 0) {
            return;
        }
        long total = lengthSums[docs] + (extra == null ? 0 : extraLength);
        double averageLength = (double) total / n;
        for (String term : queryTerms) {
            Postings p = postings.get(term);
            int inIndex = p == null ? 0 : p.countBelow(docs);
            Integer extraTf = extra == null ? null : extra.get(term);
            int df = inIndex + (extraTf == null ? 0 : 1);
            if (df == 0) {
                continue;
            }
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            for (int k = 0; k < inIndex; k++) {
                int doc = p.docs[k];
                scores[doc] += idf * norm(p.tfs[k], lengths[doc], averageLength);
            }
            if (extraTf != null) {
                scores[docs] += idf * norm(extraTf, extraLength, averageLength);
            }
        }
    }

    private static double norm(int f, int length, double averageLength) {
        return f * (K1 + 1) / (f + K1 * (1 - B + B * (averageLength == 0 ? 0 : length / averageLength)));
    }

    /** Term frequencies of a list of terms. */
    public static Map<String, Integer> frequencies(List<String> terms) {
        Map<String, Integer> tf = new HashMap<>();
        for (String t : terms) {
            tf.merge(t, 1, Integer::sum);
        }
        return tf;
    }

    private static final class Postings {
        int[] docs = new int[4];
        int[] tfs = new int[4];
        int size;

        void add(int doc, int tf) {
            if (size == docs.length) {
                docs = java.util.Arrays.copyOf(docs, size * 2);
                tfs = java.util.Arrays.copyOf(tfs, size * 2);
            }
            docs[size] = doc;
            tfs[size] = tf;
            size++;
        }

        /** The number of postings of documents below {@code limit}. */
        int countBelow(int limit) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (docs[mid] < limit) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
