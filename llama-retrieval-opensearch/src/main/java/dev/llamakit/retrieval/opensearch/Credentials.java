package dev.llamakit.retrieval.opensearch;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How requests authenticate: not at all, HTTP basic (user name and password) or an API key
 * ({@code Authorization: ApiKey <key>}). The secret is only ever turned into the header value; {@link #toString()}
 * shows the kind and the user name, never the secret.
 */
final class Credentials {
    static final Credentials NONE = new Credentials(Kind.NONE, null, null);

    enum Kind { NONE, BASIC, API_KEY }

    private final Kind kind;
    private final String username;
    private final String secret;

    private Credentials(Kind kind, String username, String secret) {
        this.kind = kind;
        this.username = username;
        this.secret = secret;
    }

    static Credentials basic(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty() || username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("the user name must be non-empty and hold no ':'");
        }
        return new Credentials(Kind.BASIC, username, password);
    }

    static Credentials apiKey(String key) {
        Objects.requireNonNull(key, "api key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("the API key must not be blank");
        }
        return new Credentials(Kind.API_KEY, null, key.trim());
    }

    Kind kind() {
        return kind;
    }

    /** The value of the {@code Authorization} header, if any. */
    Optional<String> header() {
        return switch (kind) {
            case NONE -> Optional.empty();
            case BASIC -> Optional.of("Basic " + Base64.getEncoder()
                    .encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8)));
            case API_KEY -> Optional.of("ApiKey " + secret);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case BASIC -> "basic(" + username + ", password ***)";
            case API_KEY -> "api-key(***)";
        };
    }
}
