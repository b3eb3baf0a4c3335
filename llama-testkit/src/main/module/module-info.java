/**
 * llamakit's loopback API server for tests: the Llama API and OpenAI-compatible endpoints, scripted replies, faults
 * and recorded requests. The JUnit extension is optional: JUnit Jupiter is needed only when it is used.
 */
module dev.llamakit.testkit {
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    requires static org.junit.jupiter.api;

    exports dev.llamakit.testkit;
}
