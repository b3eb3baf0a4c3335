package dev.llamakit.retrieval.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search bodies the retriever sends. BM25 is a {@code match} on {@code contents} (OR of the analysed query terms,
 * a term counted as often as it occurs, as Anserini's bag-of-words query) or, for a query too long for Lucene's
 * 1,024-clause limit, the same as explicit {@code term} queries boosted by their counts; vector search is a
 * {@code knn} query with the filters inside it, so that they apply during the search, not to its top hits.
 */
final class Queries {
    /** Queries estimated to have more tokens than this go through {@code _analyze} and explicit term queries. */
    static final int MAX_MATCH_TOKENS = 900;
    /** At most this many distinct terms of a long query are searched (the most frequent; Lucene caps clauses at 1,024). */
    static final int MAX_TERMS = 1000;
    /** A query is cut after about this many tokens before {@code _analyze} (which allows 10,000). */
    static final int MAX_ANALYZED_TOKENS = 9000;
    private static final int HIGHLIGHT_CHARS = 300;

    private Queries() {
    }

    /**
     * An upper estimate of the tokens OpenSearch's standard tokenizer makes of {@code text}: one per run of letters,
     * digits and marks, plus one per ideograph, kana or symbol (emoji are tokens too).
     */
    static int estimateTokens(String text) {
        return tokenEnd(text, Integer.MAX_VALUE)[1];
    }

    /** {@code text} cut after about {@code maxTokens} tokens. */
    static String truncateToTokens(String text, int maxTokens) {
        return text.substring(0, tokenEnd(text, maxTokens)[0]);
    }

    /** {end index, tokens}: scans until {@code maxTokens} tokens have been seen. */
    private static int[] tokenEnd(String text, int maxTokens) {
        int tokens = 0;
        boolean inRun = false;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int type = Character.getType(cp);
            boolean single = Character.isIdeographic(cp)
                    || Character.UnicodeScript.of(cp) == Character.UnicodeScript.HIRAGANA
                    || Character.UnicodeScript.of(cp) == Character.UnicodeScript.KATAKANA
                    || type == Character.OTHER_SYMBOL || type == Character.MATH_SYMBOL
                    || type == Character.CURRENCY_SYMBOL || type == Character.MODIFIER_SYMBOL;
            boolean word = !single && (Character.isLetterOrDigit(cp) || type == Character.NON_SPACING_MARK
                    || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK);
            if (single || (word && !inRun)) {
                if (tokens == maxTokens) {
                    return new int[] {i, tokens};
                }
                tokens++;
            }
            inRun = word;
            i += Character.charCount(cp);
        }
        return new int[] {text.length(), tokens};
    }

    /** A BM25 search: a {@code match} on {@code contents}. */
    static ObjectNode bm25Match(String text, int size, Map<String, Set<String>> filters, boolean highlight) {
        ObjectNode match = Json.object();
        match.putObject("match").putObject(IndexSchema.CONTENTS).put("query", text);
        return bm25(match, size, filters, highlight);
    }

    /** A BM25 search of analysed terms with their counts: an OR of boosted {@code term} queries. */
    static ObjectNode bm25Terms(List<Map.Entry<String, Integer>> terms, int size, Map<String, Set<String>> filters,
                                boolean highlight) {
        ObjectNode or = Json.object();
        ArrayNode should = or.putObject("bool").putArray("should");
        for (Map.Entry<String, Integer> t : terms) {
            should.addObject().putObject("term").putObject(IndexSchema.CONTENTS)
                    .put("value", t.getKey()).put("boost", t.getValue().floatValue());
        }
        return bm25(or, size, filters, highlight);
    }

    private static ObjectNode bm25(ObjectNode scoring, int size, Map<String, Set<String>> filters, boolean highlight) {
        ObjectNode body = base(size);
        ObjectNode bool = body.putObject("query").putObject("bool");
        bool.putArray("must").add(scoring);
        if (!filters.isEmpty()) {
            bool.set("filter", filterClauses(filters));
        }
        if (highlight) {
            ObjectNode h = body.putObject("highlight");
            h.putArray("pre_tags").add("");
            h.putArray("post_tags").add("");
            h.put("require_field_match", false);
            h.putObject("fields").putObject(IndexSchema.TEXT)
                    .put("type", "unified")
                    .put("number_of_fragments", 1)
                    .put("fragment_size", HIGHLIGHT_CHARS)
                    .put("boundary_scanner", "sentence")
                    .put("no_match_size", 0);
        }
        return body;
    }

    /**
     * A k-NN search for the {@code k} nearest chunks (the filters inside the knn query), keeping {@code size} of
     * them; {@code minScore} (OpenSearch's score, {@code (1 + cosine) / 2} for the Lucene engine) drops the farther
     * ones when not null.
     */
    static ObjectNode knn(float[] vector, int k, int size, Map<String, Set<String>> filters, Double minScore) {
        ObjectNode body = base(size);
        ObjectNode knn = body.putObject("query").putObject("knn").putObject(IndexSchema.EMBEDDING);
        ArrayNode v = knn.putArray("vector");
        for (float f : vector) {
            v.add(f);
        }
        knn.put("k", k);
        if (!filters.isEmpty()) {
            knn.putObject("filter").putObject("bool").set("filter", filterClauses(filters));
        }
        if (minScore != null) {
            body.put("min_score", minScore);
        }
        return body;
    }

    private static ObjectNode base(int size) {
        ObjectNode body = Json.object();
        body.put("size", size);
        body.put("track_total_hits", false);
        body.putObject("_source").putArray("excludes").add(IndexSchema.EMBEDDING);
        return body;
    }

    /** One {@code terms} clause per filter key: the values of a key OR'ed, the keys AND'ed, exact keyword matches. */
    static ArrayNode filterClauses(Map<String, Set<String>> filters) {
        ArrayNode clauses = Json.array();
        for (Map.Entry<String, Set<String>> f : filters.entrySet()) {
            ArrayNode values = clauses.addObject().putObject("terms").putArray(IndexSchema.METADATA + "." + f.getKey());
            f.getValue().forEach(values::add);
        }
        return clauses;
    }
}
