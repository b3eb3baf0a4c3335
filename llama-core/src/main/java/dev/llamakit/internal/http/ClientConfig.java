package dev.llamakit.internal.http;

import dev.llamakit.client.Dialect;
import dev.llamakit.client.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The resolved settings of a client (builder, then environment, then defaults). Credentials are
 * {@link Secret}s and {@link #toString()} shows none of them. Internal.
 *
 * @param baseUrl       the base URL without any user-info part
 * @param apiKey        the bearer key; {@code null} when none is configured
 * @param basicAuth     {@code user:password} from the base URL's user-info, sent as Basic auth; {@code null} when none
 * @param secretHeaders headers whose values are credentials
 * @param streamUsage   whether OpenAI-style streams ask for a usage chunk ({@code stream_options})
 */
public record ClientConfig(
        URI baseUrl,
        Secret apiKey,
        Secret basicAuth,
        Dialect dialect,
        Duration timeout,
        int maxRetries,
        Map<String, String> headers,
        Map<String, Secret> secretHeaders,
        boolean streamUsage,
        Sleeper sleeper,
        Clock clock,
        DoubleSupplier random,
        String userAgent) {

    public ClientConfig {
        headers = Map.copyOf(headers);
        secretHeaders = Map.copyOf(secretHeaders);
    }

    @Override
    public String toString() {
        return "ClientConfig[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", dialect=" + dialect + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
    }
}
