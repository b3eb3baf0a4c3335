package dev.llamakit.retrieval.eval;

/**
 * How documents with equal scores are ordered when a run is scored.
 *
 * <p>Lucene returns equal scores in index order. trec_eval ignores the ranks of a run: it re-sorts each query's
 * documents by score, descending, and breaks ties by document id, descending ({@code strcmp}). The two orders give
 * different figures whenever ties straddle a relevant document or a cutoff.
 */
public enum TieBreak {
    /**
     * trec_eval's order: score descending, then document id descending (compared as {@code strcmp} compares UTF-8
     * bytes). The figures are those trec_eval computes from the run file; the run file holds the exact scores. The
     * default.
     */
    TREC_EVAL,
    /**
     * The retriever's own order for equal scores. The run file then nudges each tied score down by the smallest
     * step a {@code double} allows ({@link Math#nextDown(double)}) so that trec_eval's re-sort keeps this order and
     * reproduces these figures.
     */
    RETRIEVER_ORDER
}
