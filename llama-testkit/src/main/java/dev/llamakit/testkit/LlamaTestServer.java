package dev.llamakit.testkit;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A faithful local Llama API server for tests, on {@code 127.0.0.1} and a free port.
 *
 * <p>It serves the native Llama API under {@code /v1} and the OpenAI-compatible API under
 * {@code /compat/v1}: {@code POST chat/completions} (JSON or SSE stream), {@code GET models},
 * {@code GET models/{id}} and {@code POST moderations}. It checks requests as the real API does
 * (see {@link ScriptedReply} for which replies skip the checks), in this order: bearer key (401),
 * path (404) and method (405), {@code Content-Type: application/json} (400), JSON body (400),
 * required fields (400), model (404), {@code tool} messages' {@code tool_call_id} (400), and quirk
 * Q1: {@code stream: true} with a missing or {@code *}{@code /*} {@code Accept} header (400).
 * Every response has an {@code x-request-id: req_<n>} header; chat-completion responses also the
 * four {@code x-ratelimit-*} headers.
 *
 * <p><b>Default chat reply</b> (when no reply is queued): {@code "Echo: " + <last user message text>},
 * cut to {@code max_completion_tokens} (else {@code max_tokens}) words with stop reason
 * {@code length} when longer. <b>Token counts</b>: prompt = whitespace-separated words in all
 * message texts + 4 per message; completion = words of the reply text (+ 1 + words of the
 * arguments per tool call), at least 1. <b>Moderation</b>: keyword table, see the README.
 *
 * <p><b>Scripting</b>: {@link #enqueue(ScriptedReply)} appends to one FIFO queue; every request,
 * on any path, takes the next reply (one request, one entry), or gets the default behaviour when
 * the queue is empty. All methods are thread-safe; the server handles requests concurrently.
 *
 * <p><b>Event streams</b>: every {@code text/event-stream} response (scripted or generated) records
 * a {@link StreamOutcome} when it ends: events written, and whether it completed, the client
 * disconnected or the server dropped it on purpose. Wait for one with
 * {@link #takeStreamOutcome(Duration)}, e.g. to assert that a client cancelled a stream.
 *
 * <pre>{@code
 * try (LlamaTestServer server = LlamaTestServer.start()) {
 *     server.enqueue(ScriptedReply.text("Phobos."));
 *     // point a client at server.baseUrl() (native) or server.compatBaseUrl() (OpenAI)
 *     RecordedRequest request = server.takeRequest();
 * }
 * }</pre>
 */
public final class LlamaTestServer implements AutoCloseable {

    private final ServerSettings settings;
    private final HttpServer http;
    private final ExecutorService executor;
    private final Journal<RecordedRequest> journal = new Journal<>("request");
    private final Journal<StreamOutcome> streams = new Journal<>("stream outcome");
    private final ConcurrentLinkedQueue<ScriptedReply> replies = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final int port;

    /**
     * The JDK server's sockets use Nagle's algorithm unless told otherwise; with small flushed events that
     * adds a delayed-ACK stall (about 40 ms) to many exchanges. The property is read once, when the JDK's
     * server configuration is first loaded, so it is set here unless the user chose a value.
     */
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private LlamaTestServer(ServerSettings settings) {
        this.settings = settings;
        this.executor = Executors.newCachedThreadPool(new ServerThreads());
        try {
            this.http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot bind LlamaTestServer to 127.0.0.1", e);
        }
        http.createContext("/", new ApiHandler(settings, journal, streams, replies, closed));
        http.setExecutor(executor);
        http.start();
        this.port = http.getAddress().getPort();
    }

    /** Returns a builder for a configured server. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a server with the default configuration. */
    public static LlamaTestServer start() {
        return builder().start();
    }

    /** The server's root URI, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The native API's base URL, e.g. {@code http://127.0.0.1:40123/v1}. */
    public String baseUrl() {
        return url() + "/v1";
    }

    /** The OpenAI-compatible API's base URL, e.g. {@code http://127.0.0.1:40123/compat/v1}. */
    public String compatBaseUrl() {
        return url() + "/compat/v1";
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** The chat model ids this server serves. */
    public List<String> models() {
        return settings.models();
    }

    /**
     * Appends a reply to the queue. Every request, on any path, takes the next queued reply;
     * see {@link ScriptedReply} for how each kind applies.
     *
     * @return this server, for chaining
     */
    public LlamaTestServer enqueue(ScriptedReply reply) {
        replies.add(Objects.requireNonNull(reply, "reply must not be null"));
        return this;
    }

    /** The number of queued replies not yet taken by a request. */
    public int queuedReplyCount() {
        return replies.size();
    }

    /**
     * Returns the oldest recorded request not taken yet, without waiting.
     *
     * @throws IllegalStateException if there is none
     */
    public RecordedRequest takeRequest() {
        return journal.take();
    }

    /**
     * Returns the oldest recorded request not taken yet, waiting up to {@code timeout} for one.
     *
     * @throws IllegalStateException if none arrives in time
     * @throws InterruptedException  if interrupted while waiting
     */
    public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        return journal.take(timeout);
    }

    /** An immutable snapshot of all recorded requests (taken or not), oldest first. */
    public List<RecordedRequest> requests() {
        return journal.snapshot();
    }

    /** The number of recorded requests (taken or not) since start or {@link #clearRecorded()}. */
    public int requestCount() {
        return journal.count();
    }

    /**
     * Returns the oldest {@link StreamOutcome} not taken yet, waiting up to {@code timeout} for an
     * event stream to end. An outcome is recorded when the server has finished with the stream,
     * which can be after the client has read the last byte, so wait with this method rather than
     * reading {@link #streamOutcomes()} at once.
     *
     * @throws IllegalStateException if no stream ends in time
     * @throws InterruptedException  if interrupted while waiting
     */
    public StreamOutcome takeStreamOutcome(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        return streams.take(timeout);
    }

    /**
     * An immutable snapshot of the outcomes of all event streams that have ended (taken or not),
     * in the order they ended. Streams still being written are not in it.
     */
    public List<StreamOutcome> streamOutcomes() {
        return streams.snapshot();
    }

    /** Forgets all recorded requests and stream outcomes. */
    public void clearRecorded() {
        journal.clear();
        streams.clear();
    }

    /** Empties the reply queue, the recorded requests and the stream outcomes (used between tests sharing one server). */
    void reset() {
        replies.clear();
        journal.clear();
        streams.clear();
    }

    /** Stops the server at once: open connections are closed and scripted delays end. Idempotent. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LlamaTestServer{" + url() + (closed.getCount() == 0 ? ", closed" : "") + '}';
    }

    /** Immutable-result builder for {@link LlamaTestServer}; not thread-safe. */
    public static final class Builder {

        private String apiKey;
        private boolean requireApiKey = true;
        private List<String> models = ServerSettings.DEFAULT_MODELS;
        private long tokensPerWindow = 1_000_000;
        private long requestsPerWindow = 3_000;
        private ErrorShape errorShape = ErrorShape.ERROR_OBJECT;

        private Builder() {
        }

        /** The only bearer key accepted. When not set, any non-empty bearer token is accepted. */
        public Builder apiKey(String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey must not be null");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            this.apiKey = apiKey;
            return this;
        }

        /** Whether an {@code Authorization: Bearer} header is required (default true; false acts like a local vLLM). */
        public Builder requireApiKey(boolean requireApiKey) {
            this.requireApiKey = requireApiKey;
            return this;
        }

        /** The chat model ids served, in listing order (default: the four Llama API models). */
        public Builder models(List<String> models) {
            Objects.requireNonNull(models, "models must not be null");
            if (models.isEmpty()) {
                throw new IllegalArgumentException("models must not be empty");
            }
            for (String model : models) {
                Objects.requireNonNull(model, "models must not contain null");
                if (model.isBlank()) {
                    throw new IllegalArgumentException("models must not contain a blank id");
                }
            }
            this.models = List.copyOf(models);
            return this;
        }

        /**
         * The budgets reported in the {@code x-ratelimit-limit-*} headers (default 1,000,000 tokens,
         * 3,000 requests). Nothing is enforced; script a 429 with {@link ScriptedReply#status(int)}.
         */
        public Builder rateLimits(long tokensPerWindow, long requestsPerWindow) {
            if (tokensPerWindow <= 0 || requestsPerWindow <= 0) {
                throw new IllegalArgumentException("rate limits must be positive");
            }
            this.tokensPerWindow = tokensPerWindow;
            this.requestsPerWindow = requestsPerWindow;
            return this;
        }

        /** The body shape of error responses (default {@link ErrorShape#ERROR_OBJECT}). */
        public Builder errorShape(ErrorShape errorShape) {
            this.errorShape = Objects.requireNonNull(errorShape, "errorShape must not be null");
            return this;
        }

        /** Starts a new server with this configuration; the builder can start more. */
        public LlamaTestServer start() {
            return new LlamaTestServer(new ServerSettings(apiKey, requireApiKey, models,
                    tokensPerWindow, requestsPerWindow, errorShape));
        }
    }
}
