package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.llamakit.retrieval.Retrievers;
import dev.llamakit.retrieval.opensearch.OpenSearchRetrieverException.Reason;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and TLS against a real HTTP(S) server on loopback that answers like an OpenSearch cluster with the
 * security plugin (401 for unknown credentials, 403 for a user without permission): the in-process test node has no
 * security plugin. The certificate is self-signed, made with the JDK's keytool.
 */
class AuthAndTlsTest {
    private static final String PASSWORD = "pa55-for-the-fake-cluster";

    /** The Authorization headers the server saw. */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private void answer(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        seen.add(auth == null ? "none" : auth);
        boolean reader = ("Basic " + Base64.getEncoder().encodeToString(("reader:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8))).equals(auth);
        int status = reader ? 403 : 401;
        String body = reader
                ? "{\"error\":{\"type\":\"security_exception\",\"reason\":\"no permissions for [indices:admin/mappings/get]\"},\"status\":403}"
                : "{\"error\":{\"type\":\"security_exception\",\"reason\":\"Authentication finished\"},\"status\":401}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void wrongCredentialsFailWithAuthenticationAndMissingRightsWithPermission() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", url, "username", "llama",
                    "password", PASSWORD, "max-retries", "0")))
                    .isInstanceOfSatisfying(OpenSearchRetrieverException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION);
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("401", "check the credentials", "basic(llama, password ***)")
                                .doesNotContain(PASSWORD);
                    });
            assertThat(seen).containsExactly("Basic " + Base64.getEncoder()
                    .encodeToString(("llama:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

            assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", url, "username", "reader",
                    "password", PASSWORD)))
                    .isInstanceOfSatisfying(OpenSearchRetrieverException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.PERMISSION);
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("no permissions for [indices:admin/mappings/get]");
                    });

            seen.clear();
            assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", url, "api-key", "my-key")))
                    .isInstanceOfSatisfying(OpenSearchRetrieverException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION));
            assertThat(seen).containsExactly("ApiKey my-key");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpsNodesAreTrustedThroughATrustStoreOrRefused(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("node.p12");
        Path trustStore = dir.resolve("trust.p12");
        Path cert = dir.resolve("node.crt");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "node", "-keystore", keyStore.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "node", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", "trustpass");

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/", this::answer);
        server.start();
        String url = "https://127.0.0.1:" + server.getAddress().getPort();
        try {
            assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", url, "max-retries", "0")))
                    .as("a self-signed certificate the JVM does not trust")
                    .isInstanceOfSatisfying(OpenSearchRetrieverException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.TLS);
                        assertThat(e.getMessage()).contains("trust-store");
                    });
            // trusted: the TLS handshake succeeds and the fake cluster's 401 comes through
            assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", url, "trust-store",
                    trustStore.toString(), "trust-store-password", "trustpass", "max-retries", "0")))
                    .isInstanceOfSatisfying(OpenSearchRetrieverException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION));
            assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", url, "insecure-trust-all", "true",
                    "max-retries", "0")))
                    .isInstanceOfSatisfying(OpenSearchRetrieverException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION));
            assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of("url", url, "trust-store",
                    trustStore.toString(), "trust-store-password", "wrong")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read trust store")
                    .hasMessageNotContaining("wrong");
        } finally {
            server.stop(0);
        }
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }
}
