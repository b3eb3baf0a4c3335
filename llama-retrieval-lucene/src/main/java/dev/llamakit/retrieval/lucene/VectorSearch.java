package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievedChunk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

/**
 * The dense side of a search over a {@link ChunkStore}: the query's vector against the chunks' vectors, metadata
 * filters applied inside the search. An index of at most {@code exactBelow} live chunks is searched exactly (every
 * vector compared: exact results, and on small indexes as fast as the graph); a larger one through Lucene's HNSW
 * graph ({@link KnnFloatVectorQuery}, which itself turns exact inside a segment where the filter leaves few
 * chunks), exploring {@code max(depth, efSearch)} candidates. Scores are cosine similarities, in [-1, 1]. Thread-safe.
 */
final class VectorSearch {
    private final Embedder embedder;
    private final int exactBelow;
    private final int efSearch;

    VectorSearch(Embedder embedder, int exactBelow, int efSearch) {
        this.embedder = embedder;
        this.exactBelow = exactBelow;
        this.efSearch = efSearch;
    }

    /** The unit vector of a query, or {@code null} when there is nothing to search for (a blank or zero query). */
    float[] queryVector(String text) {
        if (text.isBlank()) {
            return null;
        }
        return VectorIndexer.normalised(embedder.embedQuery(text), embedder.name(), embedder.dimensions(),
                "the query");
    }

    /** Whether an index of {@code liveChunks} chunks is searched exactly. */
    boolean exact(int liveChunks) {
        return liveChunks <= exactBelow;
    }

    /**
     * The {@code depth} chunks most similar to {@code vector} among those the filters allow, best first, attributed
     * to {@code retriever}, without highlights; empty for a {@code null} vector.
     */
    List<RetrievedChunk> search(IndexSearcher searcher, float[] vector, Map<String, Set<String>> filters, int depth,
                                String retriever) throws IOException {
        ScoreDoc[] top = topDocs(searcher, vector, filters, depth);
        StoredFields stored = searcher.storedFields();
        List<RetrievedChunk> hits = new ArrayList<>(top.length);
        for (ScoreDoc hit : top) {
            Chunk chunk = StoredChunk.read(stored, hit.doc);
            hits.add(new RetrievedChunk(chunk, cosine(hit.score), hits.size() + 1, retriever, null));
        }
        return hits;
    }

    /**
     * The Lucene documents of the {@code depth} chunks most similar to {@code vector} among those the filters allow,
     * best first, with Lucene's scores (see {@link #cosine}); empty for a {@code null} vector. Nothing is read from
     * the stored fields.
     */
    ScoreDoc[] topDocs(IndexSearcher searcher, float[] vector, Map<String, Set<String>> filters, int depth)
            throws IOException {
        if (vector == null) {
            return new ScoreDoc[0];
        }
        Query filter = ChunkStore.filterQuery(filters);
        return exact(searcher.getIndexReader().numDocs())
                ? exactSearch(searcher, vector, filter, depth)
                : searcher.search(new KnnFloatVectorQuery(VectorIndexer.VECTOR_FIELD, vector,
                        Math.max(depth, efSearch), filter), depth).scoreDocs;
    }

    /** Lucene's dot-product score, {@code max(0, (1 + cos) / 2)}, back to the cosine. */
    static double cosine(float luceneScore) {
        return 2.0 * luceneScore - 1.0;
    }

    /**
     * Every live vector the filter allows compared with {@code vector}: the top {@code depth} by Lucene's score,
     * equal scores in index order (as Lucene ranks them).
     */
    static ScoreDoc[] exactSearch(IndexSearcher searcher, float[] vector, Query filter, int depth)
            throws IOException {
        Weight filterWeight = filter == null ? null
                : searcher.createWeight(searcher.rewrite(filter), ScoreMode.COMPLETE_NO_SCORES, 1f);
        // the worst kept hit on top: lowest score, then the later document
        PriorityQueue<ScoreDoc> queue = new PriorityQueue<>(Math.min(depth, 1024) + 1, (x, y) ->
                x.score != y.score ? Float.compare(x.score, y.score) : Integer.compare(y.doc, x.doc));
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            FloatVectorValues values = leaf.reader().getFloatVectorValues(VectorIndexer.VECTOR_FIELD);
            if (values == null) {
                continue;
            }
            DocIdSetIterator docs = values;
            if (filterWeight != null) {
                Scorer scorer = filterWeight.scorer(leaf);
                if (scorer == null) {
                    continue;
                }
                docs = ConjunctionUtils.intersectIterators(List.of(scorer.iterator(), values));
            }
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                float score = VectorIndexer.SIMILARITY.compare(vector, values.vectorValue());
                if (queue.size() < depth) {
                    queue.add(new ScoreDoc(leaf.docBase + doc, score));
                } else if (score > queue.peek().score) { // a later document with an equal score ranks lower
                    queue.poll();
                    queue.add(new ScoreDoc(leaf.docBase + doc, score));
                }
            }
        }
        ScoreDoc[] top = new ScoreDoc[queue.size()];
        for (int i = top.length - 1; i >= 0; i--) {
            top[i] = queue.poll();
        }
        return top;
    }
}
