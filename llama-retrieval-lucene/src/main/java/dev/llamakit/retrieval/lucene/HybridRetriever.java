package dev.llamakit.retrieval.lucene;

import dev.llamakit.embed.Embedder;
import dev.llamakit.retrieval.Chunk;
import dev.llamakit.retrieval.RetrievalQuery;
import dev.llamakit.retrieval.RetrievedChunk;
import dev.llamakit.retrieval.RetrieverOptions;
import dev.llamakit.retrieval.fusion.RankFusion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.BM25Similarity;

/**
 * The {@code hybrid} retriever: BM25 and dense retrieval over one index (the {@code vector} retriever's: each chunk's
 * BM25 fields and vector in one Lucene document), their rankings merged by a {@link RankFusion}. Each search takes
 * the top {@code max(topK, candidates)} chunks of BM25 and of the vectors, both restricted by the query's metadata
 * filters inside the search and both from the same point-in-time view of the index, and fuses them: reciprocal rank
 * fusion ({@code rrf}) or weighted min-max ({@code minmax}, the default); weights are (bm25, vector). Scores are the
 * fused scores. Hits carry the passage of their chunk that shares most with the query.
 *
 * <p>Indexing, persistence, the embedder check and threading are the {@code vector} retriever's (see
 * {@link VectorRetriever}); the BM25 side is the {@code bm25} retriever's (see {@link Bm25Retriever}), with the same
 * options and defaults.
 */
public final class HybridRetriever extends LuceneRetriever {
    /** The provider name. */
    public static final String NAME = "hybrid";
    /** The default depth of each ranking before fusion. */
    public static final int DEFAULT_CANDIDATES = 100;
    /** The default fusion: weighted min-max with equal weights ({@link RankFusion#defaultFusion()}), chosen on SciFact. */
    public static final RankFusion DEFAULT_FUSION = RankFusion.defaultFusion();

    private final RankFusion fusion;
    private final int candidates;
    private final VectorSearch vectors;

    private HybridRetriever(Builder b) {
        super(NAME, b, new BM25Similarity(b.k1, b.b), b.titleWeight, b.textWeight, b.indexer());
        this.fusion = b.fusion;
        this.candidates = b.candidates;
        this.vectors = new VectorSearch(b.embedder, b.exactBelow, b.efSearch);
    }

    /** A builder; {@link Builder#embedder(Embedder)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The name of the embedder whose vectors the index holds. */
    public String embedderName() {
        return indexer.embedderName();
    }

    /** The length of the vectors. */
    public int dimensions() {
        return indexer.dimensions();
    }

    public RankFusion fusion() {
        return fusion;
    }

    /** The depth of each ranking before fusion (at least the number of hits asked for). */
    public int candidates() {
        return candidates;
    }

    @Override
    List<RetrievedChunk> search(IndexSearcher searcher, RetrievalQuery query) throws IOException {
        int depth = Math.max(query.topK(), candidates);
        ScoreDoc[] bm25 = keywords.topDocs(searcher, query, depth);
        float[] vector = vectors.queryVector(query.text()); // under the read lock, as in VectorRetriever
        ScoreDoc[] dense = vectors.topDocs(searcher, vector, query.filters(), depth);
        StoredFields stored = searcher.storedFields();
        Map<String, Integer> luceneDocs = new HashMap<>();
        List<RetrievedChunk> fused = fuseByLuceneDocument(bm25, dense, query.topK(), luceneDocs);
        if (fused == null) {
            luceneDocs.clear();
            fused = fusion.fuse(List.of(rankingByChunkId(stored, bm25, false, luceneDocs),
                    rankingByChunkId(stored, dense, true, luceneDocs)), query.topK(), NAME);
        }
        // only the fused top k are read from the stored fields, not the 2 × candidates
        List<RetrievedChunk> hits = new ArrayList<>(fused.size());
        for (RetrievedChunk hit : fused) {
            Chunk chunk = StoredChunk.read(stored, luceneDocs.get(hit.chunk().id()));
            hits.add(new RetrievedChunk(chunk, hit.score(), hit.rank(), NAME, hit.highlight()));
        }
        return withPassages(searcher, query.text(), hits);
    }

    /**
     * The fused top k computed without reading anything from the stored fields: each candidate is known by its
     * Lucene document number (one per chunk in this point-in-time view). The fusion orders by score, then by best
     * rank, then by chunk id; so when no two of the first {@code topK + 1} fused scores are equal, the order (and
     * the cut) depends on the scores alone and is the one fusing by chunk id gives. Otherwise returns {@code null}:
     * the caller fuses by chunk id.
     */
    private List<RetrievedChunk> fuseByLuceneDocument(ScoreDoc[] bm25, ScoreDoc[] dense, int topK,
                                                      Map<String, Integer> luceneDocs) {
        List<RetrievedChunk> keywordRanking = rankingByLuceneDocument(bm25, false, luceneDocs);
        List<RetrievedChunk> denseRanking = rankingByLuceneDocument(dense, true, luceneDocs);
        if (luceneDocs.isEmpty()) {
            return List.of();
        }
        List<RetrievedChunk> all = fusion.fuse(List.of(keywordRanking, denseRanking), luceneDocs.size(), NAME);
        int checked = Math.min(topK, all.size() - 1);
        for (int i = 0; i < checked; i++) {
            if (Double.compare(all.get(i).score(), all.get(i + 1).score()) == 0) {
                return null; // a tie is broken by chunk id
            }
        }
        return all.size() <= topK ? all : all.subList(0, topK);
    }

    private static List<RetrievedChunk> rankingByLuceneDocument(ScoreDoc[] top, boolean dense,
                                                                Map<String, Integer> luceneDocs) {
        List<RetrievedChunk> hits = new ArrayList<>(top.length);
        for (ScoreDoc hit : top) {
            String key = Integer.toString(hit.doc);
            luceneDocs.put(key, hit.doc);
            hits.add(stub(key, hit, dense, hits.size() + 1));
        }
        return hits;
    }

    /** A ranking whose hits carry only their chunk id, read from the stored fields. */
    private static List<RetrievedChunk> rankingByChunkId(StoredFields stored, ScoreDoc[] top, boolean dense,
                                                         Map<String, Integer> luceneDocs) throws IOException {
        List<RetrievedChunk> hits = new ArrayList<>(top.length);
        for (ScoreDoc hit : top) {
            String id = StoredChunk.id(stored, hit.doc);
            luceneDocs.put(id, hit.doc);
            hits.add(stub(id, hit, dense, hits.size() + 1));
        }
        return hits;
    }

    /** A hit for the fusion, which reads only a chunk's id, the score and the highlight (none here). */
    private static RetrievedChunk stub(String id, ScoreDoc hit, boolean dense, int rank) {
        return new RetrievedChunk(new Chunk(id, "", 0, "", "", 0, 0, Map.of()),
                dense ? VectorSearch.cosine(hit.score) : hit.score, rank, NAME, null);
    }

    @Override
    public String toString() {
        return "HybridRetriever[" + location() + ", embedder=" + embedderName() + " (" + dimensions()
                + " dimensions), fusion=" + fusion + ", candidates=" + candidates + ", chunking=" + chunking() + "]";
    }

    /** Builds a {@link HybridRetriever}; the BM25 settings default to the {@code bm25} retriever's. */
    public static final class Builder extends DenseBuilder<Builder> {
        private RankFusion fusion = DEFAULT_FUSION;
        private int candidates = DEFAULT_CANDIDATES;
        private float k1 = Bm25Retriever.DEFAULT_K1;
        private float b = Bm25Retriever.DEFAULT_B;
        private float titleWeight = 1.0f;
        private float textWeight = 1.0f;

        private Builder() {
        }

        /**
         * How the two rankings (bm25 first, vector second) are merged (default {@link #DEFAULT_FUSION}). It must take
         * two rankings: {@code RankFusion.minMax(0.3, 0.7)}, not three weights.
         */
        public Builder fusion(RankFusion fusion) {
            this.fusion = Objects.requireNonNull(fusion, "fusion");
            return this;
        }

        /** The depth of each ranking before fusion, 1 to 10,000 (default 100; at least topK is used). */
        public Builder candidates(int candidates) {
            if (candidates < 1 || candidates > 10_000) {
                throw new IllegalArgumentException("candidates must be between 1 and 10000, got " + candidates);
            }
            this.candidates = candidates;
            return this;
        }

        /** BM25 term-frequency saturation, finite and &ge; 0 (default 0.9). */
        public Builder k1(float k1) {
            this.k1 = RetrieverOptions.checkK1(k1);
            return this;
        }

        /** BM25 length normalisation, in [0, 1] (default 0.4). */
        public Builder b(float b) {
            this.b = RetrieverOptions.checkB(b);
            return this;
        }

        /** The weight of the title field's BM25 score (multifield only; default 1). */
        public Builder titleWeight(float weight) {
            this.titleWeight = Bm25Retriever.Builder.checkWeight("title-weight", weight);
            return this;
        }

        /** The weight of the text field's BM25 score (multifield only; default 1). */
        public Builder textWeight(float weight) {
            this.textWeight = Bm25Retriever.Builder.checkWeight("text-weight", weight);
            return this;
        }

        /**
         * Opens or creates the index.
         *
         * @throws IllegalStateException when no embedder was given
         * @throws IllegalArgumentException when the fusion does not take two rankings, or field weights are set
         *     with the flat layout
         * @throws IndexUnreadableException when an on-disk directory is damaged, not a llamakit index, or was built
         *     with another embedder, analysis or field layout, or without vectors
         */
        public HybridRetriever build() {
            return open(NAME, () -> {
                Bm25Retriever.Builder.checkLayout(fields, titleWeight, textWeight);
                fusion.fuse(List.of(List.of(), List.of()), 1, NAME); // fails now, not at the first search
                return new HybridRetriever(this);
            });
        }
    }
}
