package dev.llamakit.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.client.error.CrossOriginRedirectException;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.RequestOptions;
import dev.llamakit.client.Sleeper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The redirect rules on their own: which targets count as the same origin, and what is refused. */
class RedirectsTest {
    private static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer k")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }

    @Test
    void anHttpsToHttpDowngradeIsRefusedEvenOnTheSameHost() {
        assertThatThrownBy(() -> Redirects.follow(post("https://api.example.com/v1/chat/completions"), 307,
                "http://api.example.com/v1/chat/completions", 1, 5))
                .isInstanceOf(CrossOriginRedirectException.class).hasMessageContaining("plain http");
    }

    @Test
    void anotherPortOrHostIsAnotherOrigin() {
        assertThatThrownBy(() -> Redirects.follow(post("http://127.0.0.1:8000/v1/x"), 308, "http://127.0.0.1:8001/v1/x", 1, 5))
                .isInstanceOf(CrossOriginRedirectException.class);
        assertThatThrownBy(() -> Redirects.follow(post("http://127.0.0.1:8000/v1/x"), 308, "http://localhost:8000/v1/x", 1, 5))
                .isInstanceOf(CrossOriginRedirectException.class);
        assertThatThrownBy(() -> Redirects.follow(post("https://h/v1/x"), 308, "https://user:pw@h/v1/y", 1, 5))
                .isInstanceOf(CrossOriginRedirectException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
    }

    @Test
    void sameOriginTargetsAreFollowedWithMethodBodyAndHeaders() {
        HttpRequest next = Redirects.follow(post("https://h/v1/chat/completions"), 307, "/v2/chat/completions", 1, 5);
        assertThat(next.uri()).isEqualTo(URI.create("https://h/v2/chat/completions"));
        assertThat(next.method()).isEqualTo("POST");
        assertThat(next.bodyPublisher()).isPresent();
        assertThat(next.headers().firstValue("Authorization")).hasValue("Bearer k");
        assertThat(Redirects.follow(post("https://h:443/v1/x"), 308, "https://H/v1/y", 1, 5).uri().getPath()).isEqualTo("/v1/y");
    }

    @Test
    void tooManyRedirectsStop() {
        assertThatThrownBy(() -> Redirects.follow(post("https://h/v1/x"), 307, "/v1/x", 6, 5))
                .isInstanceOf(CrossOriginRedirectException.class).hasMessageContaining("more than 5");
    }

    /** From JDK 26 a request timeout also bounds the body (JDK-8208693): no request carries one. */
    @Test
    void requestsCarryNoJdkTimeoutSoStreamsAreBoundedByIdlenessOnly() {
        ClientConfig config = new ClientConfig(URI.create("http://127.0.0.1:1/v1"), Secret.of("k"), null, Dialect.OPENAI,
                Duration.ofSeconds(1), 0, Map.of(), Map.of(), true, Sleeper.SYSTEM, Clock.systemUTC(), () -> 0.5, "t");
        RequestFactory factory = new RequestFactory(config);
        assertThat(factory.build("POST", "/chat/completions", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), RequestOptions.NONE, "text/event-stream").timeout()).isEmpty();
        assertThat(factory.build("GET", "/models", null, RequestOptions.NONE, "application/json").timeout()).isEmpty();
    }
}
