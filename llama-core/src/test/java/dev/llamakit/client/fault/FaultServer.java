package dev.llamakit.client.fault;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server written on raw {@link ServerSocket}s, independent of {@code llama-testkit} and of
 * {@code com.sun.net.httpserver}, so that client tests do not share the blind spots of our own server. It reads
 * the request line, the headers and the body (Content-Length or chunked), records the request, and answers with
 * the next scripted {@link Fault} (or the fallback fault once the script is used up).
 *
 * <p>Every response carries {@code Connection: close} and every connection serves one request: a socket still
 * open after an exchange is one the <em>client</em> has not let go of. The server counts its open sockets and its
 * live handler threads so that tests can assert that nothing leaks. Every stall ends when the client goes away
 * (the handler notices EOF) or when {@link #close()} releases it; {@code close()} joins every thread it started.
 */
public final class FaultServer implements AutoCloseable {
    /** The wire dialect the server answers in (the server's own notion, independent of the client's enum). */
    public enum Wire { NATIVE, OPENAI }

    private static final AtomicInteger SERVERS = new AtomicInteger();
    /** Every thread a fault server starts has a name with this prefix. */
    public static final String THREAD_PREFIX = "fault-server-";

    private final String name;
    private final String origin;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final CountDownLatch released = new CountDownLatch(1);
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger acceptedCount = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Deque<Fault> script = new ArrayDeque<>();
    private final List<Throwable> handlerErrors = new CopyOnWriteArrayList<>();
    private volatile Fault fallback = Faults.normal();
    private volatile Wire wire = Wire.NATIVE;
    private volatile boolean closed;

    private FaultServer(String name, String hostName, InetAddress bindAddress) throws IOException {
        this.name = name + "-" + SERVERS.incrementAndGet();
        this.serverSocket = new ServerSocket();
        this.serverSocket.bind(new InetSocketAddress(bindAddress, 0), 64);
        this.origin = "http://" + hostName + ":" + serverSocket.getLocalPort();
        this.acceptor = new Thread(this::acceptLoop, THREAD_PREFIX + this.name + "-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** A server on 127.0.0.1, addressed as {@code http://127.0.0.1:PORT}. */
    public static FaultServer start(String name) {
        try {
            return new FaultServer(name, "127.0.0.1", InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fault server", e);
        }
    }

    /**
     * A server addressed as {@code http://localhost:PORT}: a distinct origin from any {@code 127.0.0.1} server
     * (bound to whatever address {@code localhost} resolves to first, as the client will resolve it).
     */
    public static FaultServer startLocalhost(String name) {
        try {
            return new FaultServer(name, "localhost", InetAddress.getByName("localhost"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fault server", e);
        }
    }

    /** The dialect of the replies. */
    public FaultServer wire(Wire wire) {
        this.wire = Objects.requireNonNull(wire);
        return this;
    }

    public Wire wire() {
        return wire;
    }

    /** Answers the next requests with these faults, in order; then with the fallback. */
    public FaultServer enqueue(Fault... faults) {
        synchronized (script) {
            script.addAll(List.of(faults));
        }
        return this;
    }

    /** The fault used once the script is empty (by default a normal reply). */
    public FaultServer fallback(Fault fault) {
        this.fallback = Objects.requireNonNull(fault);
        return this;
    }

    public String name() {
        return name;
    }

    /** {@code http://host:port}. */
    public String origin() {
        return origin;
    }

    /** {@code origin() + "/v1"}. */
    public String baseUrl() {
        return origin + "/v1";
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    /** Connections accepted so far. */
    public int acceptedConnections() {
        return acceptedCount.get();
    }

    /** Accepted sockets not yet closed. */
    public int openSockets() {
        return openSockets.size();
    }

    /** Handler threads still running. */
    public int liveHandlers() {
        int n = 0;
        for (Thread t : handlers) {
            if (t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /** Unexpected failures inside handlers (a parse error of the request, say); client disconnects are not listed. */
    public List<Throwable> handlerErrors() {
        return List.copyOf(handlerErrors);
    }

    /** Waits until at least {@code n} requests arrived. */
    public boolean awaitRequests(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Waits until no socket is open and no handler runs; false if that did not happen within {@code timeout}. */
    public boolean awaitQuiet(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (openSockets() > 0 || liveHandlers() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Releases every stall, closes every socket and joins every thread this server started. Idempotent. */
    @Override
    public void close() {
        closed = true;
        released.countDown();
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : openSockets) {
            closeQuietly(s);
        }
        join(acceptor);
        for (Thread t : handlers) {
            t.interrupt();
            join(t);
        }
    }

    /** Threads this server started that are still alive (empty after {@link #close()} unless something is stuck). */
    public List<Thread> liveThreads() {
        List<Thread> live = new ArrayList<>();
        if (acceptor.isAlive()) {
            live.add(acceptor);
        }
        for (Thread t : handlers) {
            if (t.isAlive()) {
                live.add(t);
            }
        }
        return live;
    }

    @Override
    public String toString() {
        return "FaultServer[" + name + " " + origin + "]";
    }

    private static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        int n = 0;
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            acceptedCount.incrementAndGet();
            openSockets.add(socket);
            if (closed) {
                closeQuietly(socket);
                openSockets.remove(socket);
                return;
            }
            Thread handler = new Thread(() -> handle(socket), THREAD_PREFIX + name + "-conn-" + (++n));
            handler.setDaemon(true);
            handlers.add(handler);
            handler.start();
        }
    }

    private void handle(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            RecordedRequest request = readRequest(in);
            if (request == null) {
                return; // the client opened and closed without a request
            }
            requests.add(request);
            Fault fault;
            synchronized (script) {
                fault = script.isEmpty() ? fallback : script.poll();
            }
            Exchange exchange = new Exchange(this, request, socket, in, socket.getOutputStream());
            fault.respond(exchange);
            exchange.finish();
        } catch (SocketException | SocketTimeoutException e) {
            // the client went away, or close() closed the socket: nothing to record
        } catch (IOException e) {
            if (!closed && !isDisconnect(e)) {
                handlerErrors.add(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            if (!closed) {
                handlerErrors.add(e);
            }
        } finally {
            closeQuietly(socket);
            openSockets.remove(socket);
        }
    }

    private static boolean isDisconnect(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("broken pipe") || m.contains("reset") || m.contains("closed") || m.contains("end of stream");
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Whether {@link #close()} has released the stalls. */
    boolean isReleased() {
        return released.getCount() == 0;
    }

    /** Waits {@code d} unless the server is closed first; true when the full wait elapsed. */
    boolean pause(Duration d) throws InterruptedException {
        return !released.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------- request parsing

    private RecordedRequest readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ", 3);
        if (parts.length != 3) {
            throw new IOException("bad request line: " + requestLine);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        int total = 0;
        for (String line = readLine(in); ; line = readLine(in)) {
            if (line == null) {
                throw new IOException("end of stream inside the headers");
            }
            if (line.isEmpty()) {
                break;
            }
            total += line.length();
            if (total > 256 * 1024) {
                throw new IOException("headers too large");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + line);
            }
            headers.add(new AbstractMap.SimpleImmutableEntry<>(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim()));
        }
        byte[] body = readBody(in, headers);
        return new RecordedRequest(name, origin, parts[0], parts[1], parts[2], headers, body, sequence.incrementAndGet());
    }

    private static String first(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equals(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    private static byte[] readBody(InputStream in, List<Map.Entry<String, String>> headers) throws IOException {
        String te = first(headers, "transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new IOException("end of stream inside a chunked body");
                }
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    // trailers, up to the blank line
                    for (String t = readLine(in); t != null && !t.isEmpty(); t = readLine(in)) {
                        // ignored
                    }
                    return out.toByteArray();
                }
                out.write(readExactly(in, size));
                String crlf = readLine(in);
                if (crlf == null || !crlf.isEmpty()) {
                    throw new IOException("missing CRLF after a chunk");
                }
            }
        }
        String length = first(headers, "content-length");
        if (length == null) {
            return new byte[0];
        }
        return readExactly(in, Integer.parseInt(length.trim()));
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("end of stream inside the body (" + b.length + " of " + n + " bytes)");
        }
        return b;
    }

    /** A CRLF- (or LF-) terminated ISO-8859-1 line without its end, or null at EOF before any byte. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() > 64 * 1024) {
                throw new IOException("line too long");
            }
            sb.append((char) c);
        }
    }

    // ---------------------------------------------------------------- the response side

    /** One exchange: the recorded request and primitives to answer it, well or badly. */
    public static final class Exchange {
        private final FaultServer server;
        private final RecordedRequest request;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private boolean chunked;
        private boolean done;

        Exchange(FaultServer server, RecordedRequest request, Socket socket, InputStream in, OutputStream out) {
            this.server = server;
            this.request = request;
            this.socket = socket;
            this.in = in;
            this.out = out;
        }

        public RecordedRequest request() {
            return request;
        }

        public FaultServer server() {
            return server;
        }

        public Wire wire() {
            return server.wire;
        }

        /** Writes a status line and headers (name, value pairs); adds {@code Connection: close}. */
        public void head(int status, String reason, String... headerPairs) throws IOException {
            StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
            for (int i = 0; i < headerPairs.length; i += 2) {
                sb.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
                if (headerPairs[i].equalsIgnoreCase("transfer-encoding")) {
                    chunked = true;
                }
            }
            sb.append("x-request-id: ").append(server.name).append("-req-").append(request.sequence()).append("\r\n");
            sb.append("Connection: close\r\n\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** A complete response with a Content-Length body. */
        public void respond(int status, String reason, String contentType, String body, String... extraHeaders) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String[] pairs = new String[extraHeaders.length + 4];
            pairs[0] = "Content-Type";
            pairs[1] = contentType;
            pairs[2] = "Content-Length";
            pairs[3] = Integer.toString(bytes.length);
            System.arraycopy(extraHeaders, 0, pairs, 4, extraHeaders.length);
            head(status, reason, pairs);
            raw(bytes);
        }

        /** Raw bytes on the wire, flushed. */
        public void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        public void raw(String s) throws IOException {
            raw(s.getBytes(StandardCharsets.UTF_8));
        }

        /** One chunk of a chunked body (only after a head with {@code Transfer-Encoding: chunked}). */
        public void chunk(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** A piece of an SSE body: a chunk when the head said chunked, else raw bytes (a close-delimited body). */
        public void sse(String s) throws IOException {
            if (chunked) {
                chunk(s);
            } else {
                raw(s);
            }
        }

        /** The last chunk; the response is then complete. */
        public void endChunks() throws IOException {
            raw("0\r\n\r\n");
        }

        /**
         * Stalls: sends nothing until the server is closed or the client goes away (EOF or error on the socket).
         *
         * @return true when the client went away, false when the server was closed
         */
        public boolean stall() throws IOException {
            socket.setSoTimeout(25);
            while (!server.isReleased()) {
                try {
                    int b = in.read();
                    if (b < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // still there; keep stalling
                } catch (IOException e) {
                    return true;
                }
            }
            return false;
        }

        /** Waits {@code d} (cut short by server close); true when the whole wait elapsed. */
        public boolean pause(Duration d) throws InterruptedException {
            return server.pause(d);
        }

        /** Closes the connection gracefully (FIN) right now, whatever was sent. */
        public void close() throws IOException {
            done = true;
            out.flush();
            socket.close();
        }

        /** Resets the connection: SO_LINGER 0, then close, so the client sees an RST, not a FIN. */
        public void reset() throws IOException {
            done = true;
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Called after the fault ran: a graceful close unless the fault already ended the connection. */
        void finish() throws IOException {
            if (!done) {
                done = true;
                out.flush();
                try {
                    socket.shutdownOutput();
                } catch (IOException ignored) {
                    // the client may have gone
                }
                socket.close();
            }
        }
    }
}
