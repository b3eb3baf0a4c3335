package dev.llamakit.retrieval.opensearch;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** The {@link SSLContext} for HTTPS node URLs: the JVM's default trust, a trust store file, or (tests) trust-all. */
final class Tls {
    private Tls() {
    }

    /** Trusts the certificates of a PKCS#12 or JKS file (the type is detected); the password may be null. */
    static SSLContext trustStore(Path file, char[] password) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("trust store " + file + " does not exist or is not readable");
        }
        try {
            KeyStore store = KeyStore.getInstance(file.toFile(), password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // the message of a wrong password names no secret ("keystore password was incorrect")
            throw new IllegalArgumentException("cannot read trust store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Trusts every certificate and every host name. For tests against self-signed nodes only: it gives up the
     * protection TLS is for.
     */
    static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /** An extended trust manager, so that the JDK does not add its own host name check around it. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
