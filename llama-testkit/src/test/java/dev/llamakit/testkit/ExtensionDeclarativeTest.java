package dev.llamakit.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code @ExtendWith}: a fresh server per test, injected as a parameter and closed afterwards. */
@ExtendWith(LlamaTestServerExtension.class)
class ExtensionDeclarativeTest {

    private static final List<LlamaTestServer> SEEN = new ArrayList<>();
    private LlamaTestServer fromBeforeEach;

    @BeforeEach
    void capture(LlamaTestServer server) {
        fromBeforeEach = server;
    }

    @Test
    void firstTestGetsAServer(LlamaTestServer server) {
        SEEN.add(server);
        assertThat(server).isSameAs(fromBeforeEach);
        assertThat(new Http(server).get("/v1/models").statusCode()).isEqualTo(200);
    }

    @Test
    void secondTestGetsAnotherServer(LlamaTestServer server) {
        SEEN.add(server);
        assertThat(server.requestCount()).isZero();
        assertThat(new Http(server).get("/compat/v1/models").statusCode()).isEqualTo(200);
    }

    @AfterAll
    static void serversWereDistinctAndClosed() {
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(1));
        assertThat(SEEN).allSatisfy(server -> assertThat(server.toString()).endsWith(", closed}"));
    }
}
