/** llamakit's retriever on an OpenSearch cluster ({@code opensearch}): keyword, vector and hybrid search. */
module dev.llamakit.retrieval.opensearch {
    requires transitive dev.llamakit.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.llamakit.retrieval.opensearch;

    provides dev.llamakit.retrieval.RetrieverProvider with dev.llamakit.retrieval.opensearch.OpenSearchRetrieverProvider;
}
