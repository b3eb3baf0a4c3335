package dev.llamakit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.llamakit.chat.Message;
import dev.llamakit.client.error.CrossOriginRedirectException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real TLS server (a certificate made by the JDK's keytool for this test) redirects to plain http on the same
 * host: the client refuses the downgrade, and the plain server never sees the request or the key.
 */
class HttpsDowngradeTest {
    private static final String KEY = "sk-tls-SECRET-11aa";

    @TempDir
    Path tmp;

    private HttpsServer tls;
    private HttpServer plain;
    private final List<String> plainSaw = new CopyOnWriteArrayList<>();
    private SSLContext context;

    @BeforeEach
    void start() throws Exception {
        Path store = tmp.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        plain.createContext("/", exchange -> {
            plainSaw.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth="
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        plain.start();
        tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tls.setHttpsConfigurator(new HttpsConfigurator(context));
        tls.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + plain.getAddress().getPort()
                    + exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        tls.start();
    }

    @AfterEach
    void stop() {
        tls.stop(0);
        plain.stop(0);
    }

    @Test
    void aRedirectFromHttpsToPlainHttpIsRefused() {
        LlamaClient client = LlamaClient.builder().environment(n -> null).apiKey(KEY)
                .baseUrl("https://127.0.0.1:" + tls.getAddress().getPort() + "/v1")
                .httpClient(HttpClient.newBuilder().sslContext(context).build())
                .build();

        assertThatThrownBy(() -> client.chat(ChatRequest.builder().model("m").addMessage(Message.user("hi")).build()))
                .isInstanceOfSatisfying(CrossOriginRedirectException.class, e -> {
                    assertThat(e.getMessage()).contains("plain http").doesNotContain(KEY);
                    assertThat(e.location().getScheme()).isEqualTo("http");
                });
        assertThatThrownBy(() -> client.models()).isInstanceOf(CrossOriginRedirectException.class);
        assertThat(plainSaw).as("the plain-http server received nothing").isEmpty();
    }
}
