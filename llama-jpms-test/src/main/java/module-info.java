/** A small application of llamakit written as a named module (see the pom). */
module dev.llamakit.consumer {
    requires dev.llamakit.core;
    requires dev.llamakit.memory;
    requires dev.llamakit.memory.jdbc;
    requires dev.llamakit.documents;
    requires dev.llamakit.retrieval.lucene;
    requires dev.llamakit.retrieval.opensearch;
    requires dev.llamakit.embed.onnx;
    requires dev.llamakit.local;
    requires dev.llamakit.testkit;
    requires dev.llamakit.tck;

    // structured output: llamakit and Jackson read and fill the application's records reflectively
    opens dev.llamakit.consumer to dev.llamakit.core, com.fasterxml.jackson.databind;
}
