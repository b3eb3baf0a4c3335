package dev.llamakit.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.internal.Version;
import dev.llamakit.internal.http.AttemptListener;
import dev.llamakit.internal.http.CallTracker;
import dev.llamakit.internal.http.ClientConfig;
import dev.llamakit.internal.http.HttpCaller;
import dev.llamakit.internal.http.RateLimitHeaders;
import dev.llamakit.internal.http.RawResponse;
import dev.llamakit.internal.http.RealChatStream;
import dev.llamakit.internal.http.Secret;
import dev.llamakit.internal.json.Json;
import dev.llamakit.internal.stream.AsyncStreams;
import dev.llamakit.internal.stream.ChatStreamPublisher;
import dev.llamakit.internal.stream.StreamThreads;
import dev.llamakit.internal.wire.WireException;
import dev.llamakit.internal.wire.WireFormat;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.UnaryOperator;

/**
 * A client of the Llama API and of OpenAI-compatible servers. Immutable and thread-safe: create one and
 * share it; derive variants with {@link #newBuilder()}, which share the connection pool.
 *
 * <p>Settings come from the builder, then the environment ({@code LLAMA_API_KEY}, {@code LLAMA_BASE_URL}),
 * then defaults ({@code https://api.llama.com/v1}; {@code https://api.llama.com/compat/v1} for
 * {@link Dialect#OPENAI}; 60 s timeout; 5 s connect timeout; 2 retries).
 *
 * <pre>{@code
 * LlamaClient client = LlamaClient.builder().build();          // reads LLAMA_API_KEY
 * ChatResponse reply = client.chat(ChatRequest.builder()
 *     .model("Llama-3.3-8B-Instruct")
 *     .addMessage(Message.user("What is the capital of France?"))
 *     .build());
 * System.out.println(reply.text());
 *
 * LlamaClient local = LlamaClient.builder()                     // vLLM, Ollama, llama.cpp ...
 *     .dialect(Dialect.OPENAI).baseUrl("http://localhost:8000/v1").build();
 * }</pre>
 */
public final class LlamaClient implements ChatModel {
    /** The native Llama API. */
    public static final String DEFAULT_BASE_URL = "https://api.llama.com/v1";
    /** The Llama API's OpenAI-compatible endpoint, the default for {@link Dialect#OPENAI}. */
    public static final String DEFAULT_COMPAT_BASE_URL = "https://api.llama.com/compat/v1";

    private static final String CHAT_PATH = "/chat/completions";
    private static final String MODERATIONS_PATH = "/moderations";
    private static final String MODERATIONS = "POST " + MODERATIONS_PATH;

    private final Builder settings;
    private final List<ChatListener> listeners;
    private final Executor executor;
    private final ClientConfig config;
    private final HttpCaller caller;
    private final WireFormat wire;

    private LlamaClient(Builder b, ClientConfig config, HttpClient http) {
        this.settings = b.copy();
        this.listeners = List.copyOf(b.listeners);
        this.executor = b.executor != null ? b.executor : StreamThreads.pool();
        this.config = config;
        this.caller = new HttpCaller(http, config);
        this.wire = WireFormat.of(config.dialect());
    }

    /** A builder with defaults; unset values come from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this client's settings; the built client shares this client's connection pool. */
    public Builder newBuilder() {
        Builder b = settings.copy();
        b.sharedHttpClient = caller.httpClient();
        return b;
    }

    /** Sends a chat completion request and waits for the whole reply. */
    @Override
    public ChatResponse chat(ChatRequest request) {
        return chat(request, RequestOptions.NONE);
    }

    /** As {@link #chat(ChatRequest)}, with per-call overrides. */
    public ChatResponse chat(ChatRequest request, RequestOptions options) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        CallTracker tracker = CallTracker.start(listeners, request, config.dialect(), false, config.clock());
        try {
            ChatResponse response = decodeChat(caller.send("POST", CHAT_PATH, wire.encodeChat(request).toString(), options, tracker));
            tracker.onComplete(response);
            return response;
        } catch (RuntimeException e) {
            tracker.onError(e);
            throw e;
        }
    }

    /** Sends the request without blocking; cancelling the future cancels the HTTP exchange. */
    @Override
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        return chatAsync(request, RequestOptions.NONE);
    }

    /** As {@link #chatAsync(ChatRequest)}, with per-call overrides. */
    public CompletableFuture<ChatResponse> chatAsync(ChatRequest request, RequestOptions options) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        CallTracker tracker = CallTracker.start(listeners, request, config.dialect(), false, config.clock());
        CompletableFuture<RawResponse> exchange = caller.sendAsync("POST", CHAT_PATH, wire.encodeChat(request).toString(), options, tracker);
        CompletableFuture<ChatResponse> result = new CompletableFuture<>();
        exchange.whenComplete((raw, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                tracker.onError(cause);
                result.completeExceptionally(cause);
                return;
            }
            try {
                ChatResponse response = decodeChat(raw);
                tracker.onComplete(response);
                result.complete(response);
            } catch (RuntimeException e) {
                tracker.onError(e);
                result.completeExceptionally(e);
            }
        });
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                exchange.cancel(true);
            }
        });
        return result;
    }

    /**
     * Sends the request with {@code stream: true} and returns once the server answered with a success status;
     * the events are read as the caller iterates. Close the stream (try-with-resources).
     *
     * @throws LlamaApiException when the server answers with an error status (after retries)
     */
    @Override
    public ChatStream stream(ChatRequest request) {
        return stream(request, RequestOptions.NONE);
    }

    /** As {@link #stream(ChatRequest)}, with per-call overrides. The timeout also bounds each wait for data. */
    public ChatStream stream(ChatRequest request, RequestOptions options) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        CallTracker tracker = CallTracker.start(listeners, request, config.dialect(), true, config.clock());
        return new RealChatStream(caller, CHAT_PATH, wire.encodeStreamingChat(request).toString(), options, config.dialect(), tracker);
    }

    @Override
    public CompletableFuture<ChatResponse> streamAsync(ChatRequest request, Consumer<ChatStreamEvent> onEvent) {
        Objects.requireNonNull(onEvent, "onEvent");
        return AsyncStreams.consume(() -> stream(request), onEvent, executor);
    }

    @Override
    public Flow.Publisher<ChatStreamEvent> streamPublisher(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        return new ChatStreamPublisher(() -> stream(request), executor);
    }

    private ChatResponse decodeChat(RawResponse response) {
        JsonNode body = parse(response);
        ChatResponse.Builder meta = ChatResponse.builder()
                .rawJson(response.bodyText())
                .requestId(response.requestId())
                .rateLimits(RateLimitHeaders.read(response.headers()));
        return decode(response, () -> wire.decodeChat(body, meta));
    }

    /** Lists the models the server offers ({@code GET /models}). */
    public List<Model> models() {
        return models(RequestOptions.NONE);
    }

    /** As {@link #models()}, with per-call overrides. */
    public List<Model> models(RequestOptions options) {
        RawResponse response = caller.send("GET", "/models", null, Objects.requireNonNull(options, "options"), AttemptListener.NONE);
        JsonNode body = parse(response);
        return decode(response, () -> wire.decodeModels(body));
    }

    /**
     * Retrieves one model ({@code GET /models/{id}}).
     *
     * @throws NotFoundException when the server does not know it
     */
    public Model model(String id) {
        return model(id, RequestOptions.NONE);
    }

    /** As {@link #model(String)}, with per-call overrides. */
    public Model model(String id, RequestOptions options) {
        Objects.requireNonNull(id, "id");
        String path = "/models/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        RawResponse response = caller.send("GET", path, null, Objects.requireNonNull(options, "options"), AttemptListener.NONE);
        JsonNode body = parse(response);
        return decode(response, () -> wire.decodeModel(body));
    }

    /**
     * Classifies content with Llama Guard ({@code POST /moderations}), a native Llama API endpoint.
     *
     * @throws UnsupportedEndpointException with {@link Dialect#OPENAI} (without sending anything: the
     *     OpenAI-compatible protocol has no moderation endpoint), or when the server answers 404 for the path;
     *     use {@link dev.llamakit.moderation.LlamaGuardModerator} on those servers
     */
    public ModerationResponse moderate(ModerationRequest request) {
        return moderate(request, RequestOptions.NONE);
    }

    /** As {@link #moderate(ModerationRequest)}, with per-call overrides. */
    public ModerationResponse moderate(ModerationRequest request, RequestOptions options) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        if (config.dialect() == Dialect.OPENAI) {
            throw new UnsupportedEndpointException(MODERATIONS, "the OpenAI-compatible protocol has no moderation "
                    + "endpoint (vLLM, Ollama, llama.cpp and the Llama API's /compat/v1 serve none); classify with "
                    + "dev.llamakit.moderation.LlamaGuardModerator on a Llama Guard model served through chat completions",
                    null);
        }
        RawResponse response;
        try {
            response = caller.send("POST", MODERATIONS_PATH, wire.encodeModeration(request).toString(), options,
                    AttemptListener.NONE);
        } catch (NotFoundException e) {
            throw noModerationEndpoint(request, e);
        }
        JsonNode body = parse(response);
        return decode(response, () -> wire.decodeModeration(body));
    }

    /** A 404 naming the requested model is about the model; any other 404 means the route is missing. */
    private LlamaException noModerationEndpoint(ModerationRequest request, NotFoundException e) {
        if (request.model().isPresent() && e.body().contains(request.model().get())) {
            return e;
        }
        return new UnsupportedEndpointException(MODERATIONS, "this server has no moderation endpoint: "
                + MODERATIONS + " at " + config.baseUrl() + " answered " + e.getMessage()
                + "; classify with dev.llamakit.moderation.LlamaGuardModerator on a Llama Guard model served through "
                + "chat completions", e);
    }

    /** The base URL requests go to. */
    public URI baseUrl() {
        return config.baseUrl();
    }

    /** The wire format this client speaks. */
    public Dialect dialect() {
        return config.dialect();
    }

    /** Whether an API key is configured (the key itself is never exposed). */
    public boolean hasApiKey() {
        return config.apiKey() != null;
    }

    @Override
    public String toString() {
        return "LlamaClient[baseUrl=" + config.baseUrl() + ", dialect=" + config.dialect() + ", apiKey="
                + (config.apiKey() == null ? "none" : "***") + ", timeout=" + config.timeout()
                + ", maxRetries=" + config.maxRetries() + "]";
    }

    private static JsonNode parse(RawResponse response) {
        try {
            JsonNode node = Json.MAPPER.readTree(response.body());
            if (node == null || !node.isObject()) {
                throw new MalformedResponseException("expected a JSON object from the server, got: " + snippet(response),
                        response.status(), response.requestId(), null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException("the server's response is not valid JSON (" + e.getOriginalMessage()
                    + "): " + snippet(response), response.status(), response.requestId(), e);
        } catch (java.io.IOException e) {
            throw new MalformedResponseException("cannot read the server's response", response.status(), response.requestId(), e);
        }
    }

    private static <T> T decode(RawResponse response, java.util.function.Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (WireException e) {
            throw new MalformedResponseException("unexpected response shape: " + e.getMessage(), response.status(),
                    response.requestId(), e);
        }
    }

    private static String snippet(RawResponse response) {
        String text = response.bodyText();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** Builds a {@link LlamaClient}. Not thread-safe; {@code toString()} never shows the key. */
    public static final class Builder {
        private String apiKey;
        private String baseUrl;
        private Dialect dialect = Dialect.LLAMA;
        private Duration timeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxRetries = 2;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private HttpClient httpClient;
        private HttpClient sharedHttpClient;
        private UnaryOperator<String> environment = System::getenv;
        private final List<ChatListener> listeners = new ArrayList<>();
        private Executor executor;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.apiKey = apiKey;
            b.baseUrl = baseUrl;
            b.dialect = dialect;
            b.timeout = timeout;
            b.connectTimeout = connectTimeout;
            b.maxRetries = maxRetries;
            b.headers.putAll(headers);
            b.sleeper = sleeper;
            b.clock = clock;
            b.random = random;
            b.httpClient = httpClient;
            b.sharedHttpClient = sharedHttpClient;
            b.environment = environment;
            b.listeners.addAll(listeners);
            b.executor = executor;
            return b;
        }

        /** The API key (else {@code LLAMA_API_KEY}). Required for {@link Dialect#LLAMA}. */
        public Builder apiKey(String apiKey) {
            Secret.of(apiKey); // validates
            this.apiKey = apiKey;
            return this;
        }

        /** The base URL, e.g. {@code http://localhost:8000/v1} (else {@code LLAMA_BASE_URL}, else the default). */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = validateBaseUrl(Objects.requireNonNull(baseUrl, "baseUrl"), "baseUrl");
            return this;
        }

        /** The wire format: {@link Dialect#LLAMA} (default) or {@link Dialect#OPENAI}. */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** Time allowed for one attempt, request and whole response (default 60 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = RequestOptions.Settings.requirePositive(timeout, "timeout");
            return this;
        }

        /** Time allowed to open a connection (default 5 s). A new value gives the client its own connection pool. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = RequestOptions.Settings.requirePositive(connectTimeout, "connectTimeout");
            this.sharedHttpClient = null;
            return this;
        }

        /** Retries after the first attempt (default 2; 0 disables). */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = RequestOptions.Settings.requireNonNegative(maxRetries, "maxRetries");
            return this;
        }

        /** A header sent with every request. */
        public Builder header(String name, String value) {
            headers.put(RequestOptions.Settings.requireHeaderName(name), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How the client waits between retries (tests pass one that records instead of sleeping). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The clock used to read {@code Retry-After} dates. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * A JDK client to use instead of the one this builder makes (for a proxy, TLS settings or an executor).
         * Its redirect policy and connect timeout then apply; set {@code followRedirects(NORMAL)} on it.
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Adds a listener told about every chat call (request, retries, first token, response, error). */
        public Builder listener(ChatListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The executor that reads streams for {@link #streamAsync} and {@link #streamPublisher} (default: a shared daemon pool). */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Where environment variables come from; for tests. */
        Builder environment(UnaryOperator<String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** Jitter source in [0, 1); for tests. */
        Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Builds the client. A missing API key is reported at the first request, not here. */
        public LlamaClient build() {
            String key = apiKey != null ? apiKey : blankToNull(environment.apply("LLAMA_API_KEY"));
            String url = baseUrl;
            if (url == null) {
                String fromEnv = blankToNull(environment.apply("LLAMA_BASE_URL"));
                if (fromEnv == null) {
                    fromEnv = blankToNull(environment.apply("LLAMA_API_CLIENT_BASE_URL"));
                }
                url = fromEnv != null ? validateBaseUrl(fromEnv, "LLAMA_BASE_URL")
                        : dialect == Dialect.OPENAI ? DEFAULT_COMPAT_BASE_URL : DEFAULT_BASE_URL;
            }
            ClientConfig config = new ClientConfig(
                    URI.create(stripTrailingSlash(url)),
                    key == null ? null : Secret.of(key),
                    dialect, timeout, maxRetries, headers, sleeper, clock, random,
                    "llamakit-java/" + Version.get());
            HttpClient http = httpClient != null ? httpClient
                    : sharedHttpClient != null ? sharedHttpClient
                    : HttpClient.newBuilder()
                            .connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .build();
            return new LlamaClient(this, config, http);
        }

        @Override
        public String toString() {
            return "LlamaClient.Builder[baseUrl=" + baseUrl + ", dialect=" + dialect + ", apiKey="
                    + (apiKey == null ? "unset" : "***") + "]";
        }

        private static String validateBaseUrl(String url, String what) {
            URI uri;
            try {
                uri = URI.create(url.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " is not a valid URL: " + url, e);
            }
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(what + " must be an http(s) URL such as https://api.llama.com/v1, got: " + url);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(what + " must not have a query or fragment: " + url);
            }
            return url.strip();
        }

        private static String stripTrailingSlash(String url) {
            String u = url;
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            return u;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
