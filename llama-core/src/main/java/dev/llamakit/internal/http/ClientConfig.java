package dev.llamakit.internal.http;

import dev.llamakit.client.Dialect;
import dev.llamakit.client.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The resolved settings of a client (builder, then environment, then defaults). Internal.
 *
 * @param apiKey {@code null} when none is configured
 */
public record ClientConfig(
        URI baseUrl,
        Secret apiKey,
        Dialect dialect,
        Duration timeout,
        int maxRetries,
        Map<String, String> headers,
        Sleeper sleeper,
        Clock clock,
        DoubleSupplier random,
        String userAgent) {

    public ClientConfig {
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "ClientConfig[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", dialect=" + dialect + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
    }
}
