package dev.llamakit.retrieval.lucene;

import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BM25 side of a search over a {@link ChunkStore}: the user's text analysed into Anserini's bag-of-words query
 * (flat or multifield), metadata filters as FILTER clauses, and the best passage of a hit for the query. Used by
 * the {@code bm25} retriever, by {@code hybrid} for its keyword list, and by {@code vector} for highlights.
 * Thread-safe and stateless.
 */
final class Bm25Search {
    private static final Logger log = LoggerFactory.getLogger(Bm25Search.class);

    private final Bm25Analyzer analyzer;
    private final Bm25Retriever.FieldLayout fields;
    private final float titleWeight;
    private final float textWeight;
    private final PassageFinder passages;

    Bm25Search(Bm25Analyzer analyzer, Bm25Retriever.FieldLayout fields, float titleWeight, float textWeight) {
        this.analyzer = analyzer;
        this.fields = fields;
        this.titleWeight = titleWeight;
        this.textWeight = textWeight;
        this.passages = new PassageFinder(analyzer, Bm25Retriever.CONTENTS_FIELD);
    }

    /** Picks the best passage of a chunk's text for one query. */
    interface Highlighter {
        String best(Chunk chunk);
    }

    /**
     * The best {@code depth} chunks for the query, best first, attributed to {@code retriever}; empty when the query
     * has no term left after analysis.
     *
     * @param highlights whether hits carry their best passage
     */
    List<RetrievedChunk> search(IndexSearcher searcher, RetrievalQuery query, int depth, String retriever,
                                boolean highlights) throws IOException {
        Map<String, Integer> terms = queryTerms(query.text(), query.filters().size());
        if (terms.isEmpty()) {
            return List.of();
        }
        TopDocs top = searcher.search(ChunkStore.withFilters(scoringQuery(terms), query.filters()), depth);
        StoredFields stored = searcher.storedFields();
        Highlighter highlighter = highlights ? highlighter(searcher, terms) : null;
        List<RetrievedChunk> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc hit : top.scoreDocs) {
            Chunk chunk = StoredChunk.read(stored, hit.doc);
            hits.add(new RetrievedChunk(chunk, hit.score, hits.size() + 1, retriever,
                    highlighter == null ? null : highlighter.best(chunk)));
        }
        return hits;
    }

    /**
     * The Lucene documents of the best {@code depth} chunks for the query, best first, with their BM25 scores; empty
     * when the query has no term left after analysis. Nothing is read from the stored fields.
     */
    ScoreDoc[] topDocs(IndexSearcher searcher, RetrievalQuery query, int depth) throws IOException {
        Map<String, Integer> terms = queryTerms(query.text(), query.filters().size());
        if (terms.isEmpty()) {
            return new ScoreDoc[0];
        }
        return searcher.search(ChunkStore.withFilters(scoringQuery(terms), query.filters()), depth).scoreDocs;
    }

    /** The scoring query for a text (without filters), or {@code null} when no term is left after analysis. */
    Query toLuceneQuery(String text) {
        Map<String, Integer> terms = queryTerms(text, 0);
        return terms.isEmpty() ? null : scoringQuery(terms);
    }

    /**
     * Picks passages for {@code text}: the sentence whose terms carry the most query weight; the first sentence
     * when the chunk shares no term with the query (as for a hit found by its meaning alone).
     */
    Highlighter highlighter(IndexSearcher searcher, String text) throws IOException {
        return highlighter(searcher, queryTerms(text, 0));
    }

    private Highlighter highlighter(IndexSearcher searcher, Map<String, Integer> terms) throws IOException {
        Map<String, Float> weights = passageWeights(searcher, terms);
        return chunk -> passages.best(chunk.text(), weights);
    }

    /** Distinct analyzed terms of the query with their counts, in order of first occurrence. */
    private Map<String, Integer> queryTerms(String text, int filterCount) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String term : analyzer.terms(Bm25Retriever.CONTENTS_FIELD, text)) {
            counts.merge(term, 1, Integer::sum);
        }
        int filterClauses = filterCount + 1;
        int fieldCount = fields == Bm25Retriever.FieldLayout.FLAT ? 1 : 2;
        int limit = Math.max(1, (IndexSearcher.getMaxClauseCount() - filterClauses) / fieldCount - 1);
        if (counts.size() <= limit) {
            return counts;
        }
        // A very long query (a whole document pasted in): keep the most repeated terms, earliest first on ties.
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(entries);
        sorted.sort((x, y) -> Integer.compare(y.getValue(), x.getValue())); // stable
        Set<String> kept = new HashSet<>();
        for (Map.Entry<String, Integer> e : sorted.subList(0, limit)) {
            kept.add(e.getKey());
        }
        Map<String, Integer> truncated = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : entries) {
            if (kept.contains(e.getKey())) {
                truncated.put(e.getKey(), e.getValue());
            }
        }
        log.debug("bm25 query has {} distinct terms; kept the {} most frequent", counts.size(), limit);
        return truncated;
    }

    private Query scoringQuery(Map<String, Integer> terms) {
        if (fields == Bm25Retriever.FieldLayout.FLAT) {
            return bagOfWords(Bm25Retriever.CONTENTS_FIELD, terms);
        }
        return new BooleanQuery.Builder()
                .add(new BoostQuery(bagOfWords(Bm25Retriever.CONTENTS_FIELD, terms), textWeight),
                        BooleanClause.Occur.SHOULD)
                .add(new BoostQuery(bagOfWords(Bm25Retriever.TITLE_FIELD, terms), titleWeight),
                        BooleanClause.Occur.SHOULD)
                .build();
    }

    /** Anserini's {@code BagOfWordsQueryGenerator}: a SHOULD term query per distinct term, boosted by its count. */
    private static Query bagOfWords(String field, Map<String, Integer> terms) {
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        terms.forEach((term, count) -> builder.add(
                new BoostQuery(new TermQuery(new Term(field, term)), count.floatValue()), BooleanClause.Occur.SHOULD));
        return builder.build();
    }

    /** Each query term's weight for picking passages: its BM25 idf in the text field times its count in the query. */
    private static Map<String, Float> passageWeights(IndexSearcher searcher, Map<String, Integer> terms)
            throws IOException {
        long n = Math.max(1, searcher.getIndexReader().numDocs());
        Map<String, Float> weights = new HashMap<>();
        for (Map.Entry<String, Integer> e : terms.entrySet()) {
            int df = searcher.getIndexReader().docFreq(new Term(Bm25Retriever.CONTENTS_FIELD, e.getKey()));
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            weights.put(e.getKey(), (float) (idf * e.getValue()));
        }
        return weights;
    }
}
