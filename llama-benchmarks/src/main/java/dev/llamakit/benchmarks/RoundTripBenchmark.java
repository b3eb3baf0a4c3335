package dev.llamakit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatRequest;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

/**
 * Round trips: one operation is one non-streaming chat completion against an in-process loopback server
 * ({@link SseFixtureServer}) that answers every request with the same short reply. {@link #bareSend} is the limit
 * (the JDK client's {@code send} of the same request bytes, the body read as a string, nothing parsed);
 * {@link #bareSendAsync} is the same through {@code sendAsync};
 * {@link #bareSendJackson} adds a Jackson tree of the reply; {@link #llamakitOpenAi} and {@link #llamakitNative}
 * are {@code LlamaClient.chat}; {@link #langchain4j} is LangChain4j's {@code OpenAiChatModel} on the same JDK
 * client; {@link #openAiJava} is the official {@code openai-java} SDK on its OkHttp transport. Every contender
 * reads the answer text (checked once in {@link #setUp()}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RoundTripBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MODEL = "Llama-3.3-8B-Instruct";
    private static final String PROMPT = "Which moon of Mars is larger?";
    private static final String API_KEY = "bench-key";
    static final String ANSWER = "Phobos is the larger of the two moons of Mars.";

    private SseFixtureServer server;
    private HttpClient http;
    private HttpRequest bareRequest;
    private LlamaClient llamaNative;
    private LlamaClient llamaOpenAi;
    private ChatRequest chatRequest;
    private OpenAiChatModel langchain;
    private OpenAIClient openAi;
    private ChatCompletionCreateParams openAiParams;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = new SseFixtureServer(StreamBodies.nativeStream(), StreamBodies.openAiStream());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
        bareRequest = HttpRequest.newBuilder(URI.create(server.onceCompatBaseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        llamaNative = LlamaClient.builder().baseUrl(server.onceBaseUrl()).apiKey(API_KEY).maxRetries(0).build();
        llamaOpenAi = LlamaClient.builder().dialect(Dialect.OPENAI).baseUrl(server.onceCompatBaseUrl()).apiKey(API_KEY)
                .maxRetries(0).build();
        chatRequest = ChatRequest.builder().model(MODEL).addMessage(Message.user(PROMPT)).build();
        langchain = OpenAiChatModel.builder()
                .baseUrl(server.onceCompatBaseUrl())
                .apiKey(API_KEY)
                .modelName(MODEL)
                .timeout(Duration.ofSeconds(60))
                .maxRetries(0)
                .httpClientBuilder(new JdkHttpClientBuilder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .build();
        openAi = OpenAIOkHttpClient.builder().baseUrl(server.onceCompatBaseUrl()).apiKey(API_KEY).maxRetries(0).build();
        openAiParams = ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(PROMPT).build();
        check("bareSendJackson", bareSendJackson());
        check("llamakitOpenAi", llamakitOpenAi());
        check("llamakitNative", llamakitNative());
        check("langchain4j", langchain4j());
        check("openAiJava", openAiJava());
        if (!bareSend().contains(ANSWER)) {
            throw new IllegalStateException("bareSend did not read the answer");
        }
    }

    private static void check(String contender, String text) {
        if (!ANSWER.equals(text)) {
            throw new IllegalStateException(contender + " read '" + text + "', not the answer");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        openAi.close();
        server.close();
    }

    /** The limit: the JDK client sends the request and reads the reply as a string; nothing is parsed. */
    @Benchmark
    public String bareSend() throws IOException, InterruptedException {
        return http.send(bareRequest, HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The same exchange through {@code sendAsync}: the JDK completes it on another thread (a new thread per call when
     * the common pool has one worker, as on 2 cores), which is why a blocking {@code chat} does not use it.
     */
    @Benchmark
    public byte[] bareSendAsync() throws Exception {
        return http.sendAsync(bareRequest, HttpResponse.BodyHandlers.ofByteArray()).thenApply(HttpResponse::body).get();
    }

    /** The limit plus a Jackson tree of the reply, and the answer read from it. */
    @Benchmark
    public String bareSendJackson() throws IOException, InterruptedException {
        String body = http.send(bareRequest, HttpResponse.BodyHandlers.ofString()).body();
        return MAPPER.readTree(body).path("choices").path(0).path("message").path("content").asText();
    }

    @Benchmark
    public String llamakitOpenAi() {
        return llamaOpenAi.chat(chatRequest).text();
    }

    @Benchmark
    public String llamakitNative() {
        return llamaNative.chat(chatRequest).text();
    }

    @Benchmark
    public String langchain4j() {
        return langchain.chat(PROMPT);
    }

    @Benchmark
    public String openAiJava() {
        return openAi.chat().completions().create(openAiParams).choices().get(0).message().content().orElse("");
    }
}
