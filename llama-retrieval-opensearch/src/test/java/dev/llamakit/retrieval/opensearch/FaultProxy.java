package dev.llamakit.retrieval.opensearch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A loopback HTTP proxy in front of a test node that forwards every request unchanged unless a {@link #rule} says
 * otherwise: answer instead of the node, rewrite the request, or rewrite the node's answer. It records the requests
 * it saw ({@code METHOD path}).
 */
final class FaultProxy implements AutoCloseable {
    /** A request as the proxy got it: method, path with query, body (null when empty). */
    record Request(String method, String path, String body) {
    }

    /** An answer: status and JSON body. */
    record Reply(int status, String body) {
    }

    /** Forwards to the node. */
    static final BiFunction<Request, Function<Request, Reply>, Reply> PASS = (request, node) -> node.apply(request);

    final List<String> seen = new CopyOnWriteArrayList<>();
    volatile BiFunction<Request, Function<Request, Reply>, Reply> rule = PASS;
    private final String target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    FaultProxy(String target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] in = exchange.getRequestBody().readAllBytes();
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                    in.length == 0 ? null : new String(in, StandardCharsets.UTF_8));
            seen.add(request.method() + " " + request.path());
            Reply reply = rule.apply(request, this::forward);
            byte[] out = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        }
    }

    private Reply forward(Request request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + request.path()))
                .timeout(Duration.ofSeconds(60))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        if (request.body() != null) {
            b.header("Content-Type", request.path().contains("_bulk") || request.path().contains("_msearch")
                    ? "application/x-ndjson" : "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
