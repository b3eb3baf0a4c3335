package dev.llamakit.client.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fault server itself, driven by hand-written bytes on a plain socket (no HTTP client involved). */
class FaultServerTest {

    @Test
    void readsAChunkedRequestAndRecordsIt() throws Exception {
        try (FaultServer server = FaultServer.start("self"); Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"str\r\na\r\neam\":true}\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200 OK").contains("Transfer-Encoding: chunked").contains(Replies.TEXT.split(" ")[0]);
            RecordedRequest r = server.requests().get(0);
            assertThat(r.bodyText()).isEqualTo("{\"stream\":true}");
            assertThat(r.wantsStream()).isTrue();
            assertThat(r.header("AUTHORIZATION")).isEqualTo("Bearer k");
            assertThat(server.awaitQuiet(Duration.ofSeconds(2))).isTrue();
        }
    }

    @Test
    void aStallHoldsTheSocketUntilTheClientLeaves() throws Exception {
        try (FaultServer server = FaultServer.start("self").fallback(Faults.stallBeforeHeaders())) {
            Socket s = new Socket("127.0.0.1", server.port());
            s.getOutputStream().write("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(server.awaitRequests(1, Duration.ofSeconds(2))).isTrue();
            assertThat(server.awaitQuiet(Duration.ofMillis(300))).as("still stalled").isFalse();
            assertThat(server.openSockets()).isEqualTo(1);
            s.close();
            assertThat(server.awaitQuiet(Duration.ofSeconds(2))).as("released by the client leaving").isTrue();
        }
    }

    @Test
    void closeReleasesEveryStallAndJoinsEveryThread() throws Exception {
        FaultServer server = FaultServer.start("self").fallback(Faults.errorHeadersThenStall(503, 100));
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 503");
            server.close();
            in.readAllBytes(); // ends: the server closed the socket
            assertThat(server.liveThreads()).isEmpty();
            assertThat(server.openSockets()).isZero();
        }
    }
}
