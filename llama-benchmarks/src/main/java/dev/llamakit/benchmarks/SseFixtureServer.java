package dev.llamakit.benchmarks;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 that answers {@code POST .../v1/chat/completions} with a pre-rendered
 * native stream and {@code POST .../compat/v1/chat/completions} with a pre-rendered OpenAI stream. Every request
 * gets the very same bytes, written with one {@code write} of the whole response (chunked, 64 KiB chunks) on a
 * {@code TCP_NODELAY} socket, so the server does (almost) no work and allocates (almost) nothing per request:
 * what the benchmark measures is the client. Keep-alive; one thread per connection. The request body is read
 * and ignored ({@code Content-Length} or chunked).
 *
 * <p>Why not {@code LlamaTestServer}: its scripted replies are consumed one per request (a benchmark would have
 * to enqueue per invocation), and its JDK {@code HttpServer} re-chunks the body into 4 KiB pieces and
 * allocates per write; this server makes steady state trivial and identical for every contender.
 */
final class SseFixtureServer implements AutoCloseable {
    /** Chunk size of the response bodies: a server writing through a large buffer. */
    static final int CHUNK_SIZE = 64 * 1024;

    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket socket;
    private final byte[] nativeResponse;
    private final byte[] openAiResponse;
    private final byte[] notFound;
    private final byte[] nativeOnce = json(StreamBodies.nativeCompletion());
    private final byte[] openAiOnce = json(StreamBodies.openAiCompletion());
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    SseFixtureServer(byte[] nativeBody, byte[] openAiBody) throws IOException {
        this.nativeResponse = StreamBodies.httpResponse(nativeBody, CHUNK_SIZE);
        this.openAiResponse = StreamBodies.httpResponse(openAiBody, CHUNK_SIZE);
        this.notFound = ("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 32\r\n\r\n"
                + "{\"error\":{\"message\":\"no route\"}}").getBytes(StandardCharsets.US_ASCII);
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.acceptor = new Thread(this::acceptLoop, "sse-fixture-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The native base URL of the non-streaming reply ({@link StreamBodies#nativeCompletion()}). */
    String onceBaseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/once/v1";
    }

    /** The OpenAI-compatible base URL of the non-streaming reply ({@link StreamBodies#openAiCompletion()}). */
    String onceCompatBaseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/once/compat/v1";
    }

    private static byte[] json(byte[] body) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** The native base URL, {@code http://127.0.0.1:port/v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    /** The OpenAI-compatible base URL, {@code http://127.0.0.1:port/compat/v1}. */
    String compatBaseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/compat/v1";
    }

    /** Requests answered so far. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : connections) {
            s.close();
        }
    }

    private void acceptLoop() {
        int n = 0;
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(s);
            Thread t = new Thread(() -> serve(s), "sse-fixture-conn-" + (++n));
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        byte[] head = new byte[MAX_HEAD];
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            OutputStream out = s.getOutputStream();
            while (!closed) {
                int headLength = readHead(in, head);
                if (headLength < 0) {
                    return; // the client closed the connection
                }
                String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
                String[] lines = text.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                String path = requestLine.length > 1 ? requestLine[1] : "";
                long contentLength = 0;
                boolean chunked = false;
                boolean close = false;
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = lines[i].substring(colon + 1).trim();
                    if (name.equals("content-length")) {
                        contentLength = Long.parseLong(value);
                    } else if (name.equals("transfer-encoding")) {
                        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    } else if (name.equals("connection")) {
                        close = value.toLowerCase(Locale.ROOT).contains("close");
                    }
                }
                if (chunked) {
                    skipChunkedBody(in);
                } else {
                    skip(in, contentLength);
                }
                byte[] response;
                if (path.endsWith("/once/compat/v1/chat/completions")) {
                    response = openAiOnce;
                } else if (path.endsWith("/once/v1/chat/completions")) {
                    response = nativeOnce;
                } else if (path.endsWith("/compat/v1/chat/completions")) {
                    response = openAiResponse;
                } else if (path.endsWith("/v1/chat/completions")) {
                    response = nativeResponse;
                } else {
                    response = notFound;
                }
                out.write(response);
                out.flush();
                requests.incrementAndGet();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away mid-response (a benchmark iteration ended): nothing to do
        } finally {
            connections.remove(s);
        }
    }

    /** Reads the request head up to and including the blank line; its length without the blank line, -1 at EOF. */
    private static int readHead(InputStream in, byte[] head) throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (n == 0) {
                    return -1;
                }
                throw new EOFException("the request head ended early");
            }
            if (n == head.length) {
                throw new IOException("request head too large");
            }
            head[n++] = (byte) b;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n') {
                return n - 4;
            }
        }
    }

    private static void skip(InputStream in, long count) throws IOException {
        long left = count;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the request body ended early");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static void skipChunkedBody(InputStream in) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return;
            }
            skip(in, size);
            readLine(in); // the CRLF after the chunk
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the request body ended early");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
        }
    }
}
