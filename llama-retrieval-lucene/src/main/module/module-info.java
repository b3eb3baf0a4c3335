/**
 * llamakit's in-process retrievers on Apache Lucene: {@code keyword}, {@code bm25}, {@code vector} and {@code hybrid},
 * in memory or on disk.
 */
module dev.llamakit.retrieval.lucene {
    requires transitive dev.llamakit.core;
    requires transitive dev.llamakit.documents;
    requires org.apache.lucene.core;
    requires org.apache.lucene.analysis.common;
    requires org.apache.lucene.highlighter;
    requires org.slf4j;

    exports dev.llamakit.retrieval.lucene;

    provides dev.llamakit.retrieval.RetrieverProvider with dev.llamakit.retrieval.lucene.KeywordRetrieverProvider,
            dev.llamakit.retrieval.lucene.Bm25RetrieverProvider,
            dev.llamakit.retrieval.lucene.VectorRetrieverProvider,
            dev.llamakit.retrieval.lucene.HybridRetrieverProvider;
}
