package dev.llamakit.retrieval.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.client.Sleeper;
import dev.llamakit.retrieval.opensearch.OpenSearchRetrieverException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to the cluster over {@link HttpClient}: JSON in and out, a connect and a request timeout on every call,
 * authentication, fail-over between the node URLs and retries with exponential backoff.
 *
 * <ul>
 *   <li>A node that refuses the connection, does not connect in time, drops the connection, gives no answer within
 *       the request timeout or answers 502/503/504 is skipped for the next URL; the node that last answered is
 *       tried first next time.</li>
 *   <li>A node that did not connect or answer in time (a hung node) is avoided for {@link #AVOID_FOR}: requests go
 *       to the other nodes, and to it only when every node is avoided (as Elasticsearch's low-level REST client
 *       treats dead nodes). So one hung node costs one timeout, not one per request.</li>
 *   <li>When no node could be used, or the cluster answered 429 (too many requests) or 502/503/504, the whole round
 *       is retried after {@code initialBackoff × 2^attempt} (±20 % jitter, at most 10 s), {@code maxRetries}
 *       times; then a typed {@link OpenSearchRetrieverException} is thrown ({@link Reason#UNREACHABLE} naming every
 *       URL tried, {@link Reason#RATE_LIMITED}, ...). A round in which nodes timed out and none answered is not
 *       retried (it has waited long enough): {@link Reason#TIMEOUT} naming each. Every request this module sends
 *       is idempotent, so a retry never doubles a write.</li>
 *   <li>401 and 403 fail at once ({@link Reason#AUTHENTICATION}, {@link Reason#PERMISSION}); a TLS failure fails
 *       at once ({@link Reason#TLS}).</li>
 *   <li>Other answers (2xx, 4xx, 500) are returned to the caller.</li>
 * </ul>
 * Nothing logged or thrown here contains the credentials or a request body.
 */
final class ClusterClient {
    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";
    /** How long a node that timed out is avoided. */
    static final Duration AVOID_FOR = Duration.ofSeconds(30);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(ClusterClient.class);

    /** An answer of the cluster: status, body (parsed when it is JSON) and the node that gave it. */
    record Response(int status, JsonNode json, String body, URI node) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** OpenSearch's {@code error.type} (or the status text when the body is not an error object). */
        String errorType() {
            JsonNode error = json == null ? null : json.get("error");
            if (error != null && error.isObject()) {
                return error.path("type").asText("error");
            }
            return "http_" + status;
        }

        /** {@code type: reason} of OpenSearch's error, with the root cause's reason when it says more. */
        String error() {
            JsonNode error = json == null ? null : json.get("error");
            if (error == null) {
                return "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body, 300));
            }
            if (!error.isObject()) {
                return abbreviate(error.asText(), 300);
            }
            String reason = error.path("reason").asText("");
            JsonNode root = error.path("root_cause").path(0);
            String rootReason = root.path("reason").asText("");
            if (!rootReason.isEmpty() && !rootReason.equals(reason)) {
                reason = reason + " (" + root.path("type").asText("") + ": " + rootReason + ")";
            }
            return errorType() + ": " + abbreviate(reason, 500);
        }
    }

    private final List<URI> nodes;
    private final HttpClient http;
    private final Credentials credentials;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Sleeper sleeper;
    private final AtomicInteger preferred = new AtomicInteger();
    /** Per node: {@link System#nanoTime()} until which it is avoided, 0 when it is not. */
    private final AtomicLongArray avoidedUntil;

    ClusterClient(List<URI> nodes, Credentials credentials, SSLContext ssl, Duration connectTimeout,
                  Duration requestTimeout, int maxRetries, Duration initialBackoff, Sleeper sleeper) {
        this.nodes = List.copyOf(nodes);
        if (this.nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one node URL is needed");
        }
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.maxRetries = maxRetries;
        this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.avoidedUntil = new AtomicLongArray(this.nodes.size());
    }

    List<URI> nodes() {
        return nodes;
    }

    /** The kind of authentication, for descriptions; never the secret. */
    String credentialsDescription() {
        return credentials.toString();
    }

    Response get(String path) {
        return send("GET", path, null, JSON);
    }

    Response put(String path, String json) {
        return send("PUT", path, json, JSON);
    }

    Response post(String path, String json) {
        return send("POST", path, json, JSON);
    }

    Response postNdjson(String path, String ndjson) {
        return send("POST", path, ndjson, NDJSON);
    }

    /** Sends a request with fail-over and retries (see the class comment). */
    Response send(String method, String path, String body, String contentType) {
        return send(method, path, body, contentType, requestTimeout);
    }

    /** As {@link #send(String, String, String, String)}, waiting {@code timeout} for the answer. */
    Response send(String method, String path, String body, String contentType, Duration timeout) {
        String what = method + " " + path;
        for (int attempt = 0; ; attempt++) {
            List<String> unreachable = new ArrayList<>();
            Response retryable = null;
            boolean timedOut = false;
            for (int index : order()) {
                URI node = nodes.get(index);
                Attempt a = sendOnce(node, method, path, body, contentType, what, timeout);
                if (a.response() == null) {
                    unreachable.add(a.problem());
                    if (a.hung()) {
                        timedOut |= a.timedOut();
                        avoid(index, what, a.problem());
                    } else if (nodes.size() > 1) {
                        log.warn("OpenSearch node {} could not be used for {}: {}", node, what, a.problem());
                    }
                    continue;
                }
                Response r = a.response();
                avoidedUntil.set(index, 0); // it answers again
                if (r.status() == 502 || r.status() == 503 || r.status() == 504) {
                    log.debug("{} on {} answered {}; trying the next node", what, node, r.status());
                    retryable = r;
                    continue;
                }
                preferred.set(index);
                if (r.status() == 429) {
                    retryable = r;
                    break;
                }
                if (r.status() == 401) {
                    throw new OpenSearchRetrieverException(Reason.AUTHENTICATION, 401, what + " on " + node
                            + " was refused: 401 unauthorized (" + r.error() + "); check the credentials ("
                            + credentials + ")", null);
                }
                if (r.status() == 403 && !"cluster_block_exception".equals(r.errorType())) {
                    throw new OpenSearchRetrieverException(Reason.PERMISSION, 403, what + " on " + node
                            + " was forbidden: 403 (" + r.error() + "); the user (" + credentials
                            + ") lacks a permission", null);
                }
                return r;
            }
            if (timedOut && retryable == null) {
                throw new OpenSearchRetrieverException(Reason.TIMEOUT, 0, what + " got no answer: "
                        + String.join(", ", unreachable), null);
            }
            if (attempt >= maxRetries) {
                if (retryable != null) {
                    Reason reason = retryable.status() == 429 ? Reason.RATE_LIMITED : Reason.REQUEST_FAILED;
                    throw new OpenSearchRetrieverException(reason, retryable.status(), what + " failed after "
                            + (attempt + 1) + " attempts: the cluster answered " + retryable.status() + " ("
                            + retryable.error() + ")", null);
                }
                throw new OpenSearchRetrieverException(Reason.UNREACHABLE, 0, what + " failed after "
                        + (attempt + 1) + " attempts: no OpenSearch node could be reached; tried "
                        + String.join(", ", unreachable), null);
            }
            Duration pause = backoff(initialBackoff, attempt);
            log.debug("{}: {}; retrying in {} ms ({} of {})", what,
                    retryable != null ? "answered " + retryable.status() : "no node reachable",
                    pause.toMillis(), attempt + 1, maxRetries);
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpenSearchRetrieverException(Reason.INTERRUPTED, 0, what + " was interrupted", e);
            }
        }
    }

    /** The outcome of one request to one node: an answer, or why there was none ({@code hung}: a timeout). */
    private record Attempt(Response response, String problem, boolean hung, boolean timedOut) {
        static Attempt failed(URI node, String why, boolean hung, boolean timedOut) {
            return new Attempt(null, node + " (" + why + ")", hung, timedOut);
        }
    }

    /**
     * The nodes to try, by index: those not avoided, starting with the preferred one; when every node is avoided,
     * all of them, the one avoided longest ago first.
     */
    private List<Integer> order() {
        long now = System.nanoTime();
        int start = Math.floorMod(preferred.get(), nodes.size());
        List<Integer> usable = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            int index = (start + i) % nodes.size();
            long until = avoidedUntil.get(index);
            if (until == 0 || until - now <= 0) {
                usable.add(index);
            }
        }
        if (!usable.isEmpty()) {
            return usable;
        }
        List<Integer> all = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            all.add(i);
        }
        all.sort(Comparator.comparingLong(i -> avoidedUntil.get(i) - now));
        return all;
    }

    private void avoid(int index, String what, String problem) {
        avoidedUntil.set(index, System.nanoTime() + AVOID_FOR.toNanos() | 1); // never 0
        if (nodes.size() > 1) {
            log.warn("OpenSearch node {} did not answer {}: {}; avoiding it for {} s", nodes.get(index), what, problem,
                    AVOID_FOR.toSeconds());
        }
    }

    /** One request to one node. */
    private Attempt sendOnce(URI node, String method, String path, String body, String contentType, String what,
                             Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(node, path))
                .timeout(timeout)
                .header("Accept", JSON)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", contentType + "; charset=UTF-8");
        }
        credentials.header().ifPresent(h -> request.header("Authorization", h));
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (log.isDebugEnabled()) {
                log.debug("{} on {} → {} in {} ms", what, node, response.statusCode(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            return new Attempt(new Response(response.statusCode(), Json.parseOrNull(response.body()), response.body(),
                    node), null, false, false);
        } catch (HttpConnectTimeoutException e) {
            return Attempt.failed(node, "no connection within " + connectTimeout.toMillis() + " ms", true, false);
        } catch (HttpTimeoutException e) {
            return Attempt.failed(node, "no answer within the request timeout of " + timeout.toMillis() + " ms",
                    true, true);
        } catch (SSLException e) {
            throw new OpenSearchRetrieverException(Reason.TLS, 0, what + " on " + node + " failed in TLS: "
                    + e.getMessage() + " (check 'trust-store' and that the URL's scheme matches the node)", e);
        } catch (ConnectException e) {
            return Attempt.failed(node, "connection refused", false, false);
        } catch (IOException e) {
            if (e.getCause() instanceof SSLException ssl) {
                throw new OpenSearchRetrieverException(Reason.TLS, 0, what + " on " + node + " failed in TLS: "
                        + ssl.getMessage() + " (check 'trust-store' and that the URL's scheme matches the node)", e);
            }
            return Attempt.failed(node, e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + e.getMessage()), false, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenSearchRetrieverException(Reason.INTERRUPTED, 0, what + " was interrupted", e);
        }
    }

    /** {@code initial × 2^attempt}, at most 10 s, ±20 % jitter (so each pause still exceeds the one before). */
    static Duration backoff(Duration initialBackoff, int attempt) {
        long base = initialBackoff.toMillis() << Math.min(attempt, 20);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }

    /** The node URL (which may have a path prefix, behind a proxy) joined with an API path. */
    static URI resolve(URI node, String path) {
        String base = node.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    private static String abbreviate(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() <= max ? flat : flat.substring(0, max) + "…";
    }

    @Override
    public String toString() {
        return "ClusterClient" + nodes + " auth=" + credentials;
    }
}
