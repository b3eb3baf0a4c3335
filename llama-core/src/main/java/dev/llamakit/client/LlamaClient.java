package dev.llamakit.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.client.error.CrossOriginRedirectException;
import dev.llamakit.client.error.LlamaApiException;
import dev.llamakit.client.error.LlamaException;
import dev.llamakit.client.error.MalformedResponseException;
import dev.llamakit.client.error.NotFoundException;
import dev.llamakit.client.error.UnsupportedEndpointException;
import dev.llamakit.client.observe.ChatListener;
import dev.llamakit.internal.Version;
import dev.llamakit.internal.http.AttemptListener;
import dev.llamakit.internal.http.CallTracker;
import dev.llamakit.internal.http.Cancellation;
import dev.llamakit.internal.http.HeaderValues;
import dev.llamakit.internal.http.ClientConfig;
import dev.llamakit.internal.http.HttpCaller;
import dev.llamakit.internal.http.RateLimitHeaders;
import dev.llamakit.internal.http.RawResponse;
import dev.llamakit.internal.http.Secret;
import dev.llamakit.internal.http.UrlRedaction;
import dev.llamakit.internal.json.Json;
import dev.llamakit.internal.stream.AsyncStreams;
import dev.llamakit.internal.stream.ChatStreamPublisher;
import dev.llamakit.internal.stream.StreamThreads;
import dev.llamakit.internal.wire.WireException;
import dev.llamakit.internal.wire.WireFormat;
import dev.llamakit.moderation.ModerationRequest;
import dev.llamakit.moderation.ModerationResponse;
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
 * <p>Settings come from the builder, then the environment, then defaults (60 s timeout; 5 s connect timeout;
 * 2 retries). An environment key goes only to the server it belongs to:
 *
 * <table>
 * <caption>Where the base URL and the key come from when the builder does not set them</caption>
 * <tr><th>dialect</th><th>base URL</th><th>API key</th></tr>
 * <tr><td>{@link Dialect#LLAMA}</td><td>{@code LLAMA_BASE_URL}, else {@code https://api.llama.com/v1}</td>
 *     <td>{@code LLAMA_API_KEY}</td></tr>
 * <tr><td>{@link Dialect#OPENAI}</td><td>{@code OPENAI_BASE_URL}, else {@code https://api.llama.com/compat/v1}</td>
 *     <td>{@code LLAMA_API_KEY} when the base URL is the Llama API's host, else {@code OPENAI_API_KEY}</td></tr>
 * </table>
 *
 * <p>A key given to the builder is always used. Credentials (the key, a base URL's {@code user:password@}, headers
 * added with {@link Builder#secretHeader}) are sent only to the base URL's origin: a redirect to another scheme,
 * host or port fails with {@link CrossOriginRedirectException}, and no credential appears in an exception, a log
 * line or a {@code toString()}.
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
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the HttpClient given to httpClient(...) follows redirects itself ("
                    + http.followRedirects() + "), which would carry the API key to other hosts; build it with "
                    + "followRedirects(HttpClient.Redirect.NEVER): the client follows same-origin redirects itself");
        }
        this.settings = b.copy();
        this.listeners = List.copyOf(b.listeners);
        this.executor = b.executor != null ? b.executor : StreamThreads.pool();
        this.config = config;
        this.caller = HttpCaller.create(http, config);
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
            ChatResponse response = decodeChat(caller.send("POST", CHAT_PATH, Json.bytes(wire.encodeChat(request)), options, tracker));
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
        CompletableFuture<RawResponse> exchange = caller.sendAsync("POST", CHAT_PATH, Json.bytes(wire.encodeChat(request)), options, tracker);
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
        return stream(request, options, new Cancellation());
    }

    private ChatStream stream(ChatRequest request, RequestOptions options, Cancellation cancellation) {
        CallTracker tracker = CallTracker.start(listeners, request, config.dialect(), true, config.clock());
        return caller.stream(CHAT_PATH, Json.bytes(wire.encodeStreamingChat(request, config.streamUsage())), options,
                config.dialect(), tracker, cancellation);
    }

    @Override
    public CompletableFuture<ChatResponse> streamAsync(ChatRequest request, Consumer<ChatStreamEvent> onEvent) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(onEvent, "onEvent");
        return AsyncStreams.consume(c -> stream(request, RequestOptions.NONE, c), onEvent, executor);
    }

    @Override
    public Flow.Publisher<ChatStreamEvent> streamPublisher(ChatRequest request) {
        Objects.requireNonNull(request, "request");
        return new ChatStreamPublisher(c -> stream(request, RequestOptions.NONE, c), executor);
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
            response = caller.send("POST", MODERATIONS_PATH, Json.bytes(wire.encodeModeration(request)), options,
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

    /** The base URL requests go to, without any {@code user:password@} part. */
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
        private final Map<String, Secret> secretHeaders = new LinkedHashMap<>();
        private boolean streamUsage = true;
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
            b.secretHeaders.putAll(secretHeaders);
            b.streamUsage = streamUsage;
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

        /**
         * The API key (else from the environment, see the class comment). Required for {@link Dialect#LLAMA}.
         *
         * @throws IllegalArgumentException when the key is blank or holds a character that cannot be sent in a
         *         header (the message names the character, never the key)
         */
        public Builder apiKey(String apiKey) {
            Secret.of(apiKey); // validates
            this.apiKey = apiKey;
            return this;
        }

        /**
         * The base URL, e.g. {@code http://localhost:8000/v1} (else from the environment, else the default). A
         * {@code user:password@} part is sent as Basic authentication when no API key is set, and never shown.
         */
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
            RequestOptions.Settings.requireHeaderName(name);
            HeaderValues.requireValidValue(name, Objects.requireNonNull(value, "value"));
            secretHeaders.remove(name);
            headers.put(name, value);
            return this;
        }

        /**
         * A header whose value is a credential (for example a gateway's {@code api-key}): sent with every request
         * to the base URL's origin only, and never shown in a message, a log line or {@code toString()}.
         */
        public Builder secretHeader(String name, String value) {
            RequestOptions.Settings.requireHeaderName(name);
            headers.remove(name);
            secretHeaders.put(name, Secret.header(name, value));
            return this;
        }

        /**
         * Whether streams on {@link Dialect#OPENAI} ask for a final usage chunk ({@code stream_options}; default
         * true). Switch it off for servers that reject the field; streamed replies then carry no usage.
         */
        public Builder streamUsage(boolean streamUsage) {
            this.streamUsage = streamUsage;
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
         * Its connect timeout then applies. It must not follow redirects itself ({@code Redirect.NEVER}, the
         * JDK's default): its policy would carry the API key to other hosts; the client follows same-origin
         * redirects on its own.
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

        /** Where environment variables come from (default {@link System#getenv(String)}). */
        public Builder environment(UnaryOperator<String> environment) {
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
            URI url = URI.create(stripTrailingSlash(resolveBaseUrl()));
            String keyVariable = dialect.apiKeyVariable(url);
            String envKey = apiKey != null ? null : blankToNull(environment.apply(keyVariable));
            Secret basicAuth = null;
            if (url.getRawUserInfo() != null) {
                if (apiKey == null && envKey == null) {
                    basicAuth = Secret.of(url.getUserInfo(), "the user-info of the base URL");
                }
                url = UrlRedaction.withoutUserInfo(url);
            }
            ClientConfig config = new ClientConfig(url,
                    apiKey != null ? Secret.of(apiKey) : envKey != null ? Secret.of(envKey, "the API key in " + keyVariable) : null,
                    basicAuth, dialect, timeout, maxRetries, headers, secretHeaders, streamUsage, sleeper, clock, random,
                    "llamakit-java/" + Version.get());
            HttpClient http = httpClient != null ? httpClient
                    : sharedHttpClient != null ? sharedHttpClient
                    : HttpClient.newBuilder()
                            .connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
            return new LlamaClient(this, config, http);
        }

        private String resolveBaseUrl() {
            if (baseUrl != null) {
                return baseUrl;
            }
            String variable = dialect.baseUrlVariable();
            String fromEnv = blankToNull(environment.apply(variable));
            if (fromEnv == null && dialect == Dialect.LLAMA) {
                variable = "LLAMA_API_CLIENT_BASE_URL"; // the official SDKs' name
                fromEnv = blankToNull(environment.apply(variable));
            }
            if (fromEnv != null) {
                return validateBaseUrl(fromEnv, variable);
            }
            return dialect == Dialect.OPENAI ? DEFAULT_COMPAT_BASE_URL : DEFAULT_BASE_URL;
        }

        @Override
        public String toString() {
            return "LlamaClient.Builder[baseUrl=" + UrlRedaction.redact(baseUrl) + ", dialect=" + dialect + ", apiKey="
                    + (apiKey == null ? "unset" : "***") + "]";
        }

        private static String validateBaseUrl(String url, String what) {
            URI uri;
            try {
                uri = URI.create(url.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " is not a valid URL: " + UrlRedaction.redact(url));
            }
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(what + " must be an http(s) URL such as https://api.llama.com/v1, got: "
                        + UrlRedaction.redact(url));
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(what + " must not have a query or fragment: " + UrlRedaction.redact(url));
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
