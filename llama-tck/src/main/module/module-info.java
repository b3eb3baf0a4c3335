/**
 * llamakit's compatibility kits: abstract JUnit 5 contracts that a third-party memory strategy, conversation store,
 * retriever, embedder or token counter extends to prove it honours the SPI.
 */
module dev.llamakit.tck {
    requires transitive dev.llamakit.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires org.assertj.core;

    exports dev.llamakit.tck;
    opens dev.llamakit.tck to org.junit.platform.commons;
}
