package dev.llamakit.memory.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.chat.Message;
import dev.llamakit.memory.Transcript;
import dev.llamakit.memory.TranscriptEntry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stops in the middle of an append loop and starts again on the same data directory and port: while it is
 * down every call fails with the typed, retryable {@link StoreUnavailableException}; no acknowledged append is lost;
 * the same store object works again afterwards.
 */
class PostgresRestartTest {
    @TempDir
    Path data;

    @Test
    void survivesTheServerStoppingMidLoop() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        int port = pg.getPort();
        String url = pg.getJdbcUrl("postgres", "postgres");
        JdbcConversationStore store = JdbcConversationStore.builder(url, null, null).createSchema(true).build();
        List<String> acknowledged = new ArrayList<>();
        List<Exception> whileDown = new ArrayList<>();
        long unknown = 0;
        try {
            for (int i = 0; i < 60; i++) {
                if (i == 20) {
                    pg.close(); // the server goes away between two appends of the loop
                }
                if (i == 40) {
                    pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
                }
                String text = "append " + i;
                try {
                    long seq = store.head("c") + 1;
                    store.append("c", List.of(TranscriptEntry.of(seq, Message.user(text), Instant.now())));
                    acknowledged.add(seq + " " + text);
                } catch (StoreUnavailableException e) {
                    assertThat(e.retryable()).isTrue();
                    whileDown.add(e);
                    unknown++;
                }
            }
        } finally {
            pg.close();
        }
        assertThat(whileDown).as("every call while the server was down").hasSize(20);
        assertThat(unknown).isEqualTo(20);
        assertThat(acknowledged).hasSize(40);

        EmbeddedPostgres again = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setPort(port).start();
        try {
            Transcript t = store.load("c");
            List<String> stored = new ArrayList<>();
            t.entries().forEach(e -> stored.add(e.seq() + " " + e.message().text()));
            assertThat(stored).containsExactlyElementsOf(acknowledged);
        } finally {
            again.close();
        }
    }
}
