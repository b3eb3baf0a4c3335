package dev.llamakit.retrieval.opensearch;

import dev.llamakit.embed.Embedder;
import dev.llamakit.embed.Embedders;
import dev.llamakit.retrieval.Chunker;
import dev.llamakit.retrieval.Retriever;
import dev.llamakit.retrieval.RetrieverOptions;
import dev.llamakit.retrieval.RetrieverProvider;
import dev.llamakit.retrieval.chunk.ChunkingOptions;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provider of {@code opensearch}. Options ({@value #URL} is required; the keys shared with the Lucene retrievers
 * are those of {@link RetrieverOptions}, with the same meaning, checks and messages):
 *
 * <ul>
 *   <li>cluster: {@value #URL} (one or more node URLs, comma-separated, tried in order with fail-over),
 *       {@value #INDEX} (default {@code llamakit}), {@value #USERNAME} + {@value #PASSWORD} (basic authentication)
 *       or {@value #API_KEY}, {@value #TRUST_STORE} (+ {@value #TRUST_STORE_PASSWORD}; a PKCS#12 or JKS file for
 *       {@code https://} nodes) or {@value #INSECURE_TRUST_ALL} ({@code true}: any certificate, tests only),
 *       {@value #CONNECT_TIMEOUT} (default 5s), {@value #REQUEST_TIMEOUT} (default 30s), {@value #HEALTH_TIMEOUT}
 *       (default 30s), {@value #MAX_RETRIES} (default 3). Durations are {@code 500ms}, {@code 5s}, {@code 2m} or
 *       ISO-8601 ({@code PT5S});</li>
 *   <li>index: {@value #SHARDS} (default 1) and {@value #REPLICAS} (default 1) of a new index, {@value #K1}
 *       (default 0.9) and {@value #B} (default 0.4), {@value #REFRESH} ({@code wait_for} (default), {@code true} or
 *       {@code false}), {@value #BATCH_SIZE} (bulk actions per request, default 500);</li>
 *   <li>search: {@value #MODE} ({@code bm25} (default), {@code vector} or {@code hybrid}), {@value #EMBEDDER} (the
 *       name of an embedder on the class path, see {@code Embedders.available()}; or pass an {@link Embedder} as a
 *       service), {@value #FUSION} ({@code minmax} (default) or {@code rrf}), {@value #RRF_K} (default 60),
 *       {@value #WEIGHTS} ({@code bm25,vector}, default equal; for either fusion), {@value #CANDIDATES}
 *       (hits per ranking in hybrid mode, k of vector search; default 100), {@value #MIN_SIMILARITY} (drop vector
 *       hits below this cosine similarity; vector scores are cosines, as in the Lucene retrievers),
 *       {@value #HIGHLIGHT} (default true);</li>
 *   <li>the shared chunking options ({@link ChunkingOptions}), as the {@code bm25} retriever: {@code chunking} =
 *       {@code none} (default) or {@code sentence}, {@code chunk-tokens}, {@code chunk-overlap}; a {@link Chunker}
 *       service replaces the built-in sentence chunker.</li>
 * </ul>
 */
public final class OpenSearchRetrieverProvider implements RetrieverProvider {
    /** The option keys, as listed in the class comment. */
    public static final String URL = "url";
    public static final String INDEX = RetrieverOptions.INDEX;
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String API_KEY = "api-key";
    public static final String TRUST_STORE = "trust-store";
    public static final String TRUST_STORE_PASSWORD = "trust-store-password";
    public static final String INSECURE_TRUST_ALL = "insecure-trust-all";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String REQUEST_TIMEOUT = "request-timeout";
    public static final String HEALTH_TIMEOUT = "health-timeout";
    public static final String MAX_RETRIES = "max-retries";
    public static final String REFRESH = "refresh";
    public static final String SHARDS = "shards";
    public static final String REPLICAS = "replicas";
    public static final String K1 = RetrieverOptions.K1;
    public static final String B = RetrieverOptions.B;
    public static final String BATCH_SIZE = "batch-size";
    public static final String MODE = "mode";
    public static final String EMBEDDER = "embedder";
    public static final String FUSION = RetrieverOptions.FUSION;
    public static final String RRF_K = RetrieverOptions.RRF_K;
    public static final String WEIGHTS = RetrieverOptions.WEIGHTS;
    public static final String CANDIDATES = RetrieverOptions.CANDIDATES;
    public static final String MIN_SIMILARITY = "min-similarity";
    public static final String HIGHLIGHT = RetrieverOptions.HIGHLIGHT;

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    @Override
    public String name() {
        return OpenSearchRetriever.NAME;
    }

    @Override
    public Set<String> optionKeys() {
        Set<String> keys = new HashSet<>(ChunkingOptions.KEYS);
        keys.addAll(List.of(URL, INDEX, USERNAME, PASSWORD, API_KEY, TRUST_STORE, TRUST_STORE_PASSWORD,
                INSECURE_TRUST_ALL, CONNECT_TIMEOUT, REQUEST_TIMEOUT, HEALTH_TIMEOUT, MAX_RETRIES, REFRESH, SHARDS,
                REPLICAS, K1, B, BATCH_SIZE, MODE, EMBEDDER, FUSION, RRF_K, WEIGHTS, CANDIDATES, MIN_SIMILARITY,
                HIGHLIGHT));
        return Set.copyOf(keys);
    }

    @Override
    public String description() {
        return "BM25, k-NN vector or hybrid retrieval on an OpenSearch cluster (one index, chunks as documents)";
    }

    @Override
    public Retriever create(ProviderOptions options) {
        OpenSearchRetriever.Builder b = OpenSearchRetriever.builder();
        String urls = options.string(URL).orElseThrow(() -> new IllegalArgumentException("'opensearch' needs option '"
                + URL + "': one or more node URLs, comma-separated (e.g. http://localhost:9200)"));
        List<String> list = new ArrayList<>();
        for (String u : urls.split(",")) {
            if (!u.isBlank()) {
                list.add(u.trim());
            }
        }
        b.urls(list);
        RetrieverOptions.index(options, name()).ifPresent(b::index);
        credentials(options, b);
        tls(options, b);
        options.string(CONNECT_TIMEOUT).ifPresent(v -> b.connectTimeout(duration(CONNECT_TIMEOUT, v)));
        options.string(REQUEST_TIMEOUT).ifPresent(v -> b.requestTimeout(duration(REQUEST_TIMEOUT, v)));
        options.string(HEALTH_TIMEOUT).ifPresent(v -> b.healthTimeout(duration(HEALTH_TIMEOUT, v)));
        b.maxRetries(options.integer(MAX_RETRIES, 3, 0));
        options.string(REFRESH).ifPresent(v -> b.refresh(RefreshPolicy.parse(v)));
        b.shards(options.integer(SHARDS, 1, 1)).replicas(options.integer(REPLICAS, 1, 0));
        b.k1(RetrieverOptions.k1(options)).b(RetrieverOptions.b(options));
        b.batchSize(options.integer(BATCH_SIZE, 500, 1));
        b.highlights(RetrieverOptions.highlight(options));

        SearchMode mode = SearchMode.parse(options.string(MODE, "bm25"));
        b.mode(mode);
        search(options, mode, b);
        embedder(options, b);
        ChunkingOptions.select(options, name()).ifPresent(b::chunker);
        return b.build();
    }

    private static void credentials(ProviderOptions options, OpenSearchRetriever.Builder b) {
        Optional<String> user = options.string(USERNAME);
        Optional<String> password = options.string(PASSWORD);
        Optional<String> apiKey = options.string(API_KEY);
        if (apiKey.isPresent() && (user.isPresent() || password.isPresent())) {
            throw new IllegalArgumentException("give either 'api-key' or 'username' and 'password', not both");
        }
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("options 'username' and 'password' go together; "
                    + (user.isPresent() ? "'password'" : "'username'") + " is missing");
        }
        if (user.isPresent()) {
            b.basicAuth(user.get(), password.get());
        }
        apiKey.ifPresent(b::apiKey);
    }

    private static void tls(ProviderOptions options, OpenSearchRetriever.Builder b) {
        Optional<String> store = options.string(TRUST_STORE);
        boolean trustAll = options.bool(INSECURE_TRUST_ALL, false);
        if (store.isPresent() && trustAll) {
            throw new IllegalArgumentException("give either 'trust-store' or 'insecure-trust-all', not both");
        }
        if (options.string(TRUST_STORE_PASSWORD).isPresent() && store.isEmpty()) {
            throw new IllegalArgumentException("option 'trust-store-password' needs 'trust-store'");
        }
        if (store.isPresent()) {
            Path path;
            try {
                path = Path.of(store.get().trim());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("option 'trust-store' is not a valid path: '" + store.get() + "'", e);
            }
            b.trustStore(path, options.string(TRUST_STORE_PASSWORD).map(String::toCharArray).orElse(null));
        } else if (trustAll) {
            b.insecureTrustAll();
        }
    }

    private static void search(ProviderOptions options, SearchMode mode, OpenSearchRetriever.Builder b) {
        boolean hybrid = mode == SearchMode.HYBRID;
        for (String key : List.of(FUSION, RRF_K, WEIGHTS)) {
            if (!hybrid && options.string(key).isPresent()) {
                throw new IllegalArgumentException("option '" + key + "' applies to mode=hybrid only (mode is "
                        + mode.optionValue() + ")");
            }
        }
        for (String key : List.of(CANDIDATES, MIN_SIMILARITY)) {
            if (mode == SearchMode.BM25 && options.string(key).isPresent()) {
                throw new IllegalArgumentException("option '" + key + "' applies to mode=vector or hybrid only");
            }
        }
        if (hybrid) {
            b.fusion(RetrieverOptions.fusion(options, OpenSearchRetriever.NAME));
        }
        b.candidates(options.integer(CANDIDATES, 100, 1));
        if (options.string(MIN_SIMILARITY).isPresent()) {
            b.minSimilarity(options.decimal(MIN_SIMILARITY, 0));
        }
    }

    private static void embedder(ProviderOptions options, OpenSearchRetriever.Builder b) {
        Optional<Embedder> service = options.service(Embedder.class);
        Optional<String> name = options.string(EMBEDDER).map(String::trim);
        if (service.isPresent()) {
            if (name.isPresent() && !name.get().equals(service.get().name())) {
                throw new IllegalArgumentException("option 'embedder' names '" + name.get()
                        + "' but the Embedder service is '" + service.get().name() + "'");
            }
            b.embedder(service.get());
        } else if (name.isPresent()) {
            Set<String> available = Embedders.available();
            if (!available.contains(name.get())) {
                throw new IllegalArgumentException("option 'embedder': no embedder named '" + name.get()
                        + "' on the class path; available: " + (available.isEmpty() ? "none (add e.g."
                        + " llama-embeddings-onnx)" : available));
            }
            b.ownedEmbedder(Embedders.create(name.get(), ProviderOptions.EMPTY));
        }
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}). */
    static Duration duration(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(value.trim());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("option '" + key + "' must be a duration such as 500ms, 5s, 2m or PT5S,"
                    + " got '" + value + "'");
        }
    }
}
