package dev.llamakit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Slow, long and byte-split event streams, and the {@link StreamOutcome}s the server records,
 * read with a real {@link HttpClient} through {@code BodyHandlers.ofInputStream()}.
 */
class StreamOutcomeTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPAT_CHAT = "/compat/v1/chat/completions";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private LlamaTestServer server;
    private Http http;
    private HttpClient client;

    @BeforeEach
    void start() {
        server = LlamaTestServer.builder().apiKey(Http.KEY).start();
        http = new Http(server);
        client = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<InputStream> openStream(String path, String body) throws Exception {
        HttpRequest request = http.request(path)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    /** Reads up to and including the next blank line ({@code "\n\n"}), byte by byte. */
    private static String readEvent(InputStream in) throws IOException {
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        int previous = -1;
        int b;
        while ((b = in.read()) != -1) {
            event.write(b);
            if (b == '\n' && previous == '\n') {
                break;
            }
            previous = b;
        }
        return event.toString(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- slow events

    @Test
    void eventDelayDeliversEachEventOnItsOwn() throws Exception {
        List<String> events = List.of("data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n", "data: {\"n\":3}\n\n");
        server.enqueue(ScriptedReply.sse(events).withEventDelay(Duration.ofMillis(250)));

        HttpResponse<InputStream> response = openStream(CHAT, Http.chat("x", ",\"stream\":true"));
        try (InputStream in = response.body()) {
            assertThat(readEvent(in)).isEqualTo(events.get(0));
            // the other two events are still waiting for their delays: the stream has not ended
            assertThat(server.streamOutcomes()).isEmpty();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(events.get(1) + events.get(2));
        }

        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.requestId()).isEqualTo(server.takeRequest().requestId());
        assertThat(outcome.eventsWritten()).isEqualTo(3);
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.clientDisconnected()).isFalse();
        assertThat(outcome.droppedByServer()).isFalse();
    }

    @Test
    void eventDelayAppliesToGeneratedChatStreams() throws Exception {
        server.enqueue(ScriptedReply.text("Phobos and Deimos").withEventDelay(Duration.ofMillis(5)));

        HttpResponse<InputStream> response = openStream(COMPAT_CHAT, Http.chat("moons?", ",\"stream\":true"));
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
        List<String> data = Http.sseData(body);
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : Http.sseJson(data.subList(0, data.size() - 1))) {
            text.append(chunk.path("choices").get(0).path("delta").path("content").asText(""));
        }
        assertThat(text.toString()).isEqualTo("Phobos and Deimos");
        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.eventsWritten()).isEqualTo(data.size()); // role, 3 words, finish, [DONE]
    }

    @Test
    void eventDelayIsUnusedWhenAChatReplyIsAnsweredAsJson() throws Exception {
        server.enqueue(ScriptedReply.text("not streamed").withEventDelay(Duration.ofHours(1)));

        HttpResponse<String> response = http.postJson(CHAT, Http.chat("hi"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).path("completion_message").path("content").path("text").asText())
                .isEqualTo("not streamed");
        assertThat(server.streamOutcomes()).isEmpty();
    }

    // ---------------------------------------------------------------- outcomes

    @Test
    void clientClosingAGeneratedStreamIsRecordedAsADisconnect() throws Exception {
        String text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
        server.enqueue(ScriptedReply.text(text).withEventDelay(Duration.ofMillis(100)));
        int total = 1 + 15 + 2; // start, one progress event per word, complete, metrics

        HttpResponse<InputStream> response = openStream(CHAT, Http.chat("count", ",\"stream\":true"));
        InputStream in = response.body();
        assertThat(readEvent(in)).contains("\"event_type\":\"start\"");
        in.close();

        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.requestId()).isEqualTo(server.takeRequest().requestId());
        assertThat(outcome.clientDisconnected()).isTrue();
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.droppedByServer()).isFalse();
        assertThat(outcome.eventsWritten()).isGreaterThanOrEqualTo(1).isLessThan(total);
        assertThat(server.streamOutcomes()).containsExactly(outcome);
    }

    @Test
    void clientClosingARepeatingStreamIsRecordedAsADisconnect() throws Exception {
        server.enqueue(ScriptedReply.sseRepeating("data: {\"tick\":true}\n\n", 1_000, "data: [DONE]\n\n")
                .withEventDelay(Duration.ofMillis(50)));

        HttpResponse<InputStream> response = openStream(COMPAT_CHAT, Http.chat("x", ",\"stream\":true"));
        InputStream in = response.body();
        assertThat(readEvent(in)).isEqualTo("data: {\"tick\":true}\n\n");
        in.close();

        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.clientDisconnected()).isTrue();
        assertThat(outcome.eventsWritten()).isGreaterThanOrEqualTo(1).isLessThan(1_001);
    }

    @Test
    void generatedStreamRecordsANormalCompletion() throws Exception {
        HttpResponse<String> response = http.postStream(CHAT, Http.chat("Name one moon", ",\"stream\":true"));

        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome).isEqualTo(new StreamOutcome(response.headers().firstValue("x-request-id").orElseThrow(),
                Http.sseData(response.body()).size(), true, false, false));
        assertThat(outcome.eventsWritten()).isEqualTo(7);
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
    }

    @Test
    void scriptedSseRecordsANormalCompletion() throws Exception {
        server.enqueue(ScriptedReply.sse(List.of("data: {\"a\":1}\n\n", "data: [DONE]\n\n")));

        HttpResponse<String> response = http.postStream(CHAT, Http.chat("x", ",\"stream\":true"));

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.eventsWritten()).isEqualTo(2);
    }

    @Test
    void sseThenDropRecordsADropByTheServer() throws Exception {
        server.enqueue(ScriptedReply.sseThenDrop(List.of("data: {\"a\":1}\n\n")));

        HttpResponse<InputStream> response = openStream(CHAT, Http.chat("x", ",\"stream\":true"));
        try (InputStream in = response.body()) {
            assertThat(readEvent(in)).isEqualTo("data: {\"a\":1}\n\n");
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }

        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.droppedByServer()).isTrue();
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.clientDisconnected()).isFalse();
        assertThat(outcome.eventsWritten()).isEqualTo(1);
    }

    @Test
    void closingTheServerDuringAnEventDelayRecordsAnOutcomeWithNoFlagSet() throws Exception {
        server.enqueue(ScriptedReply.sse(List.of("data: {}\n\n")).withEventDelay(Duration.ofHours(1)));
        HttpResponse<InputStream> response = openStream(CHAT, Http.chat("x", ",\"stream\":true"));

        server.close();

        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.eventsWritten()).isZero();
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.clientDisconnected()).isFalse();
        assertThat(outcome.droppedByServer()).isFalse();
        try (InputStream in = response.body()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void takeStreamOutcomeTimesOutWhenNoStreamEnds() {
        assertThat(http.postJson(CHAT, Http.chat("hi")).statusCode()).isEqualTo(200);

        assertThat(server.streamOutcomes()).isEmpty(); // JSON replies record no stream outcome
        assertThatThrownBy(() -> server.takeStreamOutcome(Duration.ofMillis(10)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("No stream outcome arrived within");
        assertThatThrownBy(() -> server.takeStreamOutcome(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void clearRecordedForgetsStreamOutcomes() throws Exception {
        http.postStream(CHAT, Http.chat("x", ",\"stream\":true"));
        server.takeStreamOutcome(WAIT);
        assertThat(server.streamOutcomes()).hasSize(1);

        server.clearRecorded();

        assertThat(server.streamOutcomes()).isEmpty();
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void streamOutcomeChecksItsComponents() {
        assertThatThrownBy(() -> new StreamOutcome(null, 0, true, false, false)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new StreamOutcome("req_1", -1, true, false, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamOutcome("req_1", 1, true, true, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new StreamOutcome("req_1", 0, false, false, false).completed()).isFalse();
    }

    // ---------------------------------------------------------------- long streams

    @Test
    void sseRepeatingWritesTenThousandEventsAndTheTrailer() throws Exception {
        String event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n";
        server.enqueue(ScriptedReply.sseRepeating(event, 10_000, "data: [DONE]\n\n"));

        HttpResponse<InputStream> response = openStream(COMPAT_CHAT, Http.chat("x", ",\"stream\":true"));
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
        int dataLines = 0;
        int blankLines = 0;
        String last = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    dataLines++;
                    last = line;
                } else {
                    assertThat(line).isEmpty();
                    blankLines++;
                }
            }
        }

        assertThat(dataLines).isEqualTo(10_001);
        assertThat(blankLines).isEqualTo(10_001);
        assertThat(last).isEqualTo("data: [DONE]");
        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.eventsWritten()).isEqualTo(10_001);
    }

    @Test
    void sseRepeatingWithoutTrailerOrEvents() throws Exception {
        server.enqueue(ScriptedReply.sseRepeating("data: 1\n\n", 3, ""));
        server.enqueue(ScriptedReply.sseRepeating("data: 1\n\n", 0, "data: [DONE]\n\n"));

        assertThat(http.postStream(CHAT, Http.chat("x", ",\"stream\":true")).body()).isEqualTo("data: 1\n\n".repeat(3));
        assertThat(http.postStream(CHAT, Http.chat("x", ",\"stream\":true")).body()).isEqualTo("data: [DONE]\n\n");
        assertThat(server.takeStreamOutcome(WAIT).eventsWritten()).isEqualTo(3);
        assertThat(server.takeStreamOutcome(WAIT).eventsWritten()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- byte-level splitting

    @Test
    void sseBytesCanSplitAMultiByteCharacterAcrossWrites() throws Exception {
        byte[] whole = "data: {\"text\":\"€ and 😀\"}\n\n".getBytes(StandardCharsets.UTF_8);
        int euro = indexOf(whole, (byte) 0xE2); // the 3-byte euro sign
        int emoji = indexOf(whole, (byte) 0xF0); // the 4-byte emoji
        List<byte[]> chunks = List.of(
                Arrays.copyOfRange(whole, 0, euro + 1),          // ends after the euro's first byte
                Arrays.copyOfRange(whole, euro + 1, emoji + 2),  // ends inside the emoji
                Arrays.copyOfRange(whole, emoji + 2, whole.length));
        server.enqueue(ScriptedReply.sseBytes(chunks).withEventDelay(Duration.ofMillis(5)));

        HttpResponse<InputStream> response = openStream(CHAT, Http.chat("x", ",\"stream\":true"));
        byte[] received;
        try (InputStream in = response.body()) {
            received = in.readAllBytes();
        }

        assertThat(received).isEqualTo(whole);
        assertThat(new String(received, StandardCharsets.UTF_8)).isEqualTo("data: {\"text\":\"€ and 😀\"}\n\n");
        StreamOutcome outcome = server.takeStreamOutcome(WAIT);
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.eventsWritten()).isEqualTo(3);
    }

    @Test
    void sseElementsAreWrittenVerbatimWhereverTheStreamIsSplit() throws Exception {
        String recorded = "data: {\"event\":{\"event_type\":\"start\"}}\n\ndata: {\"event\":{\"event_type\":\"complete\"}}\n\n";
        int streams = 0;
        for (int offset = 0; offset <= recorded.length(); offset += 7) {
            server.enqueue(ScriptedReply.sse(List.of(recorded.substring(0, offset), recorded.substring(offset))));

            assertThat(http.postStream(CHAT, Http.chat("x", ",\"stream\":true")).body()).isEqualTo(recorded);
            streams++;
        }
        for (int i = 0; i < streams; i++) {
            assertThat(server.takeStreamOutcome(WAIT).eventsWritten()).isEqualTo(2);
        }
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        throw new AssertionError("byte not found: " + value);
    }
}
