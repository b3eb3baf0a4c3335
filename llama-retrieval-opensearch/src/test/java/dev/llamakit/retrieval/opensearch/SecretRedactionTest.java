package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.tck.SampleCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The password and the API key never appear in {@code toString()}, an exception or a log line (at any level),
 * whatever happens: a working cluster (which, without the security plugin, ignores the credentials), an unreachable
 * one, credentials in a URL.
 */
@ExtendWith(OpenSearchNodeExtension.class)
class SecretRedactionTest {
    private static final String PASSWORD = "s3cret-Pa55word-XYZZY";
    private static final String API_KEY = "QUtJQV9zZWNyZXRfYXBpX2tleV9QTFVHSA";

    private final OpenSearchNode node;
    private final List<String> indices = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger logger;
    private Level level;

    SecretRedactionTest(OpenSearchNode node) {
        this.node = node;
    }

    @BeforeEach
    void captureLogs() {
        logger = (Logger) LoggerFactory.getLogger("dev.llamakit.retrieval.opensearch");
        level = logger.getLevel();
        logger.setLevel(Level.TRACE);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void restore() {
        logger.detachAppender(logs);
        logger.setLevel(level);
        indices.forEach(i -> TestHttp.deleteIndices(node.url(), i));
    }

    private String index() {
        String i = TestHttp.freshIndex("secrets");
        indices.add(i);
        return i;
    }

    private void assertNoSecretLogged() {
        assertThat(logs.list).as("log events").isNotEmpty();
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain(PASSWORD).doesNotContain(API_KEY);
        }
    }

    private static void assertNoSecret(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(PASSWORD).doesNotContain(API_KEY);
            assertThat(c.toString()).doesNotContain(PASSWORD).doesNotContain(API_KEY);
        }
    }

    @Test
    void basicAuthPasswordStaysOutOfToStringAndLogs() {
        try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", index(),
                "username", "llama", "password", PASSWORD, "replicas", "0"))) {
            r.upsert(SampleCorpus.documents().subList(0, 4));
            assertThat(r.retrieve("penguins", 2)).isNotEmpty();
            assertThat(r.toString()).contains("basic(llama, password ***)").doesNotContain(PASSWORD);
        }
        assertNoSecretLogged();
    }

    @Test
    void apiKeyStaysOutOfToStringAndLogs() {
        try (Retriever r = Retrievers.create("opensearch", Map.of("url", node.url(), "index", index(),
                "api-key", API_KEY, "replicas", "0"))) {
            r.upsert(SampleCorpus.documents().subList(0, 4));
            assertThat(r.count()).isEqualTo(4);
            assertThat(r.toString()).contains("api-key(***)").doesNotContain(API_KEY);
        }
        assertNoSecretLogged();
    }

    @Test
    void failuresNeverCarryTheSecrets() {
        String dead = ClosedPort.url();
        for (Map<String, String> auth : List.of(Map.of("username", "llama", "password", PASSWORD),
                Map.of("api-key", API_KEY))) {
            Map<String, String> options = new java.util.HashMap<>(auth);
            options.putAll(Map.of("url", dead + "," + ClosedPort.url(), "max-retries", "0"));
            assertThatThrownBy(() -> Retrievers.create("opensearch", options))
                    .isInstanceOf(OpenSearchRetrieverException.class)
                    .satisfies(SecretRedactionTest::assertNoSecret);
        }
        assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", "http://llama:" + PASSWORD + "@"
                + node.url().substring("http://".length()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not carry credentials")
                .satisfies(SecretRedactionTest::assertNoSecret);
        assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", node.url(), "password", PASSWORD)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'username' is missing")
                .satisfies(SecretRedactionTest::assertNoSecret);
        assertNoSecretLogged();
    }
}
