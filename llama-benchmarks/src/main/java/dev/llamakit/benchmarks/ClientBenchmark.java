package dev.llamakit.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.ChatStream;
import dev.llamakit.client.ChatStreamEvent;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The client against its peers, on the same bytes for every contender: streams and round trips.
 *
 * <p><b>Streams</b> (average time): one operation reads one whole stream of {@value StreamBodies#EVENTS} events from an
 * in-process loopback server ({@link SseFixtureServer}), which serves the same bytes to every request.
 * Divide the score (µs/op) and {@code gc.alloc.rate.norm} (B/op) by 10,000 for the per-event figures.
 *
 * <p>On the OpenAI stream ({@code /compat/v1}): {@link #bareLines} (the limit: the JDK client and a
 * {@link BufferedReader}, no parsing), {@link #jacksonTree} (every {@code data:} payload into a Jackson tree),
 * {@link #langchain4j} (LangChain4j's {@code OpenAiStreamingChatModel}), {@link #openAiJava} (the official
 * {@code openai-java} SDK on its OkHttp transport) and {@link #llamakitOpenAi}. On the native
 * stream ({@code /v1}): {@link #bareLinesNative}, {@link #jacksonTreeNative} and {@link #llamakitNative}.
 * Each contender's output is checked once before the measurements (see {@link #verify()}).
 *
 * <p><b>Round trips</b> (sampled, so that medians are reported): one operation is one non-streaming chat completion
 * answered with the same short reply. {@link #roundTripBare} is the limit (the JDK client's {@code send} of the same
 * request bytes, the body read as a string, nothing parsed); {@link #roundTripBareAsync} is the same through
 * {@code sendAsync} (the JDK completes it on another thread: a new thread per call when the common pool has one
 * worker, as on 2 cores); {@link #roundTripBareJackson} adds a Jackson tree of the reply;
 * {@link #roundTripLlamakitOpenAi} and {@link #roundTripLlamakitNative} are {@code LlamaClient.chat};
 * {@link #roundTripLangchain4j} is LangChain4j's {@code OpenAiChatModel} on the same JDK client;
 * {@link #roundTripOpenAiJava} is {@code openai-java}. Every contender reads the answer text (checked in setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ClientBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MODEL = "Llama-3.3-8B-Instruct";
    private static final String PROMPT = "Count to ten thousand.";
    private static final String API_KEY = "bench-key";

    private SseFixtureServer server;
    private HttpClient http;
    private HttpRequest nativeRequest;
    private HttpRequest openAiRequest;
    private LlamaClient llamaNative;
    private LlamaClient llamaOpenAi;
    private ChatRequest chatRequest;
    private OpenAiStreamingChatModel langchain;
    private OpenAIClient openAi;
    private OpenAIClient openAiOnce;
    private ChatCompletionCreateParams openAiParams;
    private HttpRequest onceRequest;
    private LlamaClient llamaNativeOnce;
    private LlamaClient llamaOpenAiOnce;
    private OpenAiChatModel langchainOnce;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = new SseFixtureServer(StreamBodies.nativeStream(), StreamBodies.openAiStream());

        // the bare contenders: HTTP/1.1 like llamakit (no h2c upgrade attempt on http://)
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}],\"stream\":true}";
        nativeRequest = bareRequest(server.baseUrl(), body);
        openAiRequest = bareRequest(server.compatBaseUrl(), body);

        llamaNative = LlamaClient.builder().baseUrl(server.baseUrl()).apiKey(API_KEY).maxRetries(0).build();
        llamaOpenAi = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(server.compatBaseUrl()).apiKey(API_KEY)
                .maxRetries(0).build();
        chatRequest = ChatRequest.builder().model(MODEL).addMessage(Message.user(PROMPT)).build();

        langchain = OpenAiStreamingChatModel.builder()
                .baseUrl(server.compatBaseUrl())
                .apiKey(API_KEY)
                .modelName(MODEL)
                .timeout(Duration.ofSeconds(60))
                // the same transport as the others: the JDK client speaking HTTP/1.1
                .httpClientBuilder(new JdkHttpClientBuilder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();

        openAi = OpenAIOkHttpClient.builder().baseUrl(server.compatBaseUrl()).apiKey(API_KEY).maxRetries(0).build();
        openAiParams = ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(PROMPT).build();
        setUpRoundTrips();
        verify();
    }

    private void setUpRoundTrips() {
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
        onceRequest = HttpRequest.newBuilder(URI.create(server.onceCompatBaseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        llamaNativeOnce = LlamaClient.builder().baseUrl(server.onceBaseUrl()).apiKey(API_KEY).maxRetries(0).build();
        llamaOpenAiOnce = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(server.onceCompatBaseUrl())
                .apiKey(API_KEY).maxRetries(0).build();
        langchainOnce = OpenAiChatModel.builder()
                .baseUrl(server.onceCompatBaseUrl())
                .apiKey(API_KEY)
                .modelName(MODEL)
                .timeout(Duration.ofSeconds(60))
                .maxRetries(0)
                .httpClientBuilder(new JdkHttpClientBuilder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
        openAiOnce = OpenAIOkHttpClient.builder().baseUrl(server.onceCompatBaseUrl()).apiKey(API_KEY).maxRetries(0).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        openAi.close();
        openAiOnce.close();
        server.close();
    }

    private static HttpRequest bareRequest(String baseUrl, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    // ------------------------------------------------------------------ OpenAI stream (/compat/v1)

    /** The limit: read every line of the response, parse nothing. */
    @Benchmark
    public int bareLines(Blackhole bh) throws IOException, InterruptedException {
        return lines(openAiRequest, bh);
    }

    /** A bare client that parses every {@code data:} payload into a Jackson {@link JsonNode} tree. */
    @Benchmark
    public int jacksonTree(Blackhole bh) throws IOException, InterruptedException {
        return trees(openAiRequest, bh);
    }

    /** LangChain4j's {@code OpenAiStreamingChatModel}, waiting for the complete response through its handler. */
    @Benchmark
    public dev.langchain4j.model.chat.response.ChatResponse langchain4j(Blackhole bh)
            throws InterruptedException, ExecutionException, TimeoutException {
        CountingHandler handler = new CountingHandler();
        langchain.chat(PROMPT, handler);
        dev.langchain4j.model.chat.response.ChatResponse response = handler.done.get(60, TimeUnit.SECONDS);
        bh.consume(handler.partials);
        bh.consume(handler.chars);
        return response;
    }

    /** llamakit in {@link Dialect#OPENAI}: iterate every typed event. */
    @Benchmark
    public int llamakitOpenAi(Blackhole bh) {
        return events(llamaOpenAi, bh);
    }

    /** The official {@code openai-java} SDK (OkHttp): iterate every chunk and read its text. */
    @Benchmark
    public int openAiJava(Blackhole bh) {
        int n = 0;
        try (StreamResponse<ChatCompletionChunk> stream = openAi.chat().completions().createStreaming(openAiParams)) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                bh.consume(chunk.choices().isEmpty() ? null : chunk.choices().get(0).delta().content().orElse(null));
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ native stream (/v1)

    /** The limit on the native stream. */
    @Benchmark
    public int bareLinesNative(Blackhole bh) throws IOException, InterruptedException {
        return lines(nativeRequest, bh);
    }

    /** Jackson trees on the native stream. */
    @Benchmark
    public int jacksonTreeNative(Blackhole bh) throws IOException, InterruptedException {
        return trees(nativeRequest, bh);
    }

    /** llamakit in {@link Dialect#LLAMA}: iterate every typed event. */
    @Benchmark
    public int llamakitNative(Blackhole bh) {
        return events(llamaNative, bh);
    }

    // ------------------------------------------------------------------ round trips (/once/...)

    /** The limit: the JDK client sends the request and reads the reply as a string; nothing is parsed. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public String roundTripBare() throws IOException, InterruptedException {
        return http.send(onceRequest, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The same exchange through {@code sendAsync}, waited for. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public byte[] roundTripBareAsync() throws InterruptedException, ExecutionException {
        return http.sendAsync(onceRequest, HttpResponse.BodyHandlers.ofByteArray()).thenApply(HttpResponse::body).get();
    }

    /** The limit plus a Jackson tree of the reply, and the answer read from it. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public String roundTripBareJackson() throws IOException, InterruptedException {
        String body = http.send(onceRequest, HttpResponse.BodyHandlers.ofString()).body();
        return MAPPER.readTree(body).path("choices").path(0).path("message").path("content").asText();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public String roundTripLlamakitOpenAi() {
        return llamaOpenAiOnce.chat(chatRequest).text();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public String roundTripLlamakitNative() {
        return llamaNativeOnce.chat(chatRequest).text();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public String roundTripLangchain4j() {
        return langchainOnce.chat(PROMPT);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public String roundTripOpenAiJava() {
        return openAiOnce.chat().completions().create(openAiParams).choices().get(0).message().content().orElse("");
    }

    // ------------------------------------------------------------------ the work

    private int lines(HttpRequest request, Blackhole bh) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int n = 0;
        try (BufferedReader reader = reader(response)) {
            String line;
            while ((line = reader.readLine()) != null) {
                bh.consume(line);
                n++;
            }
        }
        return n;
    }

    private int trees(HttpRequest request, Blackhole bh) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int n = 0;
        try (BufferedReader reader = reader(response)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                    bh.consume(MAPPER.readTree(line.substring(6)));
                    n++;
                }
            }
        }
        return n;
    }

    private static BufferedReader reader(HttpResponse<InputStream> response) throws IOException {
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode());
        }
        return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    private int events(LlamaClient client, Blackhole bh) {
        int n = 0;
        try (ChatStream stream = client.stream(chatRequest)) {
            for (ChatStreamEvent event : stream) {
                bh.consume(event);
                n++;
            }
        }
        return n;
    }

    /** Counts what LangChain4j hands over; the fields are read after {@link #done} completes. */
    private static final class CountingHandler implements StreamingChatResponseHandler {
        final CompletableFuture<dev.langchain4j.model.chat.response.ChatResponse> done = new CompletableFuture<>();
        int partials;
        long chars;

        @Override
        public void onPartialResponse(String partialResponse) {
            partials++;
            chars += partialResponse.length();
        }

        @Override
        public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse completeResponse) {
            done.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }
    }

    // ------------------------------------------------------------------ checks

    /** Runs every contender once and checks it saw the whole stream, so no contender measures a failure. */
    void verify() throws Exception {
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        try {
            int events = StreamBodies.EVENTS;
            expect("bareLines", lines(openAiRequest, bh), 2 * events + 2); // each event and its blank line, [DONE]
            expect("bareLinesNative", lines(nativeRequest, bh), 2 * events);
            expect("jacksonTree", trees(openAiRequest, bh), events);
            expect("jacksonTreeNative", trees(nativeRequest, bh), events);
            // Start, the text deltas, Complete, Metrics
            expect("llamakitOpenAi", events(llamaOpenAi, bh), events);
            expect("llamakitNative", events(llamaNative, bh), events);
            try (ChatStream stream = llamaNative.stream(chatRequest)) {
                String text = stream.collect().text();
                expect("llamakitNative text", text.length(), StreamBodies.TEXT_DELTAS * StreamBodies.TOKEN.length());
            }
            CountingHandler handler = new CountingHandler();
            langchain.chat(PROMPT, handler);
            dev.langchain4j.model.chat.response.ChatResponse response = handler.done.get(60, TimeUnit.SECONDS);
            expect("langchain4j partials", handler.partials, StreamBodies.TEXT_DELTAS);
            expect("langchain4j text", response.aiMessage().text().length(),
                    StreamBodies.TEXT_DELTAS * StreamBodies.TOKEN.length());
            if (response.tokenUsage() == null || response.tokenUsage().outputTokenCount() != StreamBodies.TEXT_DELTAS) {
                throw new IllegalStateException("langchain4j: usage not read: " + response.tokenUsage());
            }
            expect("openAiJava chunks", openAiJava(bh), StreamBodies.EVENTS);
            String answer = StreamBodies.ANSWER;
            check("roundTripBareJackson", roundTripBareJackson(), answer);
            check("roundTripLlamakitOpenAi", roundTripLlamakitOpenAi(), answer);
            check("roundTripLlamakitNative", roundTripLlamakitNative(), answer);
            check("roundTripLangchain4j", roundTripLangchain4j(), answer);
            check("roundTripOpenAiJava", roundTripOpenAiJava(), answer);
            if (!roundTripBare().contains(answer) || roundTripBareAsync().length == 0) {
                throw new IllegalStateException("the bare round trips did not read the answer");
            }
        } finally {
            bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
        }
    }

    private static void check(String contender, String text, String expected) {
        if (!expected.equals(text)) {
            throw new IllegalStateException(contender + " read '" + text + "', not the answer");
        }
    }

    private static void expect(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
    }
}
