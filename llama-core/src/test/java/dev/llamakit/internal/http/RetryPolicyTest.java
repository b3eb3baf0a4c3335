package dev.llamakit.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final RetryPolicy noJitter = new RetryPolicy(Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.0);
    private final RetryPolicy maxJitter = new RetryPolicy(Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.999_999);

    private static HttpHeaders headers(String... nameValues) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], List.of(nameValues[i + 1]));
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 409, 429, 500, 502, 503, 504, 599})
    void retriesTransientStatuses(int status) {
        assertThat(noJitter.shouldRetry(status, headers())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 422})
    void doesNotRetryClientErrors(int status) {
        assertThat(noJitter.shouldRetry(status, headers())).isFalse();
    }

    @Test
    void xShouldRetryOverridesTheStatus() {
        assertThat(noJitter.shouldRetry(500, headers("x-should-retry", "false"))).isFalse();
        assertThat(noJitter.shouldRetry(400, headers("x-should-retry", "true"))).isTrue();
        assertThat(noJitter.shouldRetry(503, headers("x-should-retry", "maybe"))).isTrue();
    }

    @Test
    void backoffDoublesFromHalfASecondAndCapsAtEightSeconds() {
        assertThat(noJitter.delay(0, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(noJitter.delay(1, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitter.delay(2, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(noJitter.delay(4, null)).isEqualTo(Duration.ofSeconds(8));
        assertThat(noJitter.delay(10, null)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void jitterTakesAtMostAQuarterOff() {
        for (int n = 0; n < 6; n++) {
            Duration full = noJitter.delay(n, null);
            Duration jittered = maxJitter.delay(n, null);
            assertThat(jittered).isLessThanOrEqualTo(full);
            assertThat(jittered.toNanos()).isGreaterThanOrEqualTo((long) (full.toNanos() * 0.75));
        }
    }

    @Test
    void honoursRetryAfterInSecondsMillisecondsAndHttpDates() {
        assertThat(noJitter.delay(0, headers("retry-after", "3"))).isEqualTo(Duration.ofSeconds(3));
        assertThat(noJitter.delay(0, headers("retry-after", "1.5"))).isEqualTo(Duration.ofMillis(1500));
        assertThat(noJitter.delay(0, headers("retry-after-ms", "250"))).isEqualTo(Duration.ofMillis(250));
        assertThat(noJitter.delay(0, headers("retry-after-ms", "250", "retry-after", "9"))).isEqualTo(Duration.ofMillis(250));
        assertThat(noJitter.delay(0, headers("retry-after", "Wed, 25 Nov 2026 12:00:07 GMT"))).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void ignoresRetryAfterBeyondSixtySecondsInThePastOrUnreadable() {
        assertThat(noJitter.delay(1, headers("retry-after", "61"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitter.delay(1, headers("retry-after", "Wed, 25 Nov 2026 11:59:00 GMT"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitter.delay(1, headers("retry-after", "soon"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitter.delay(1, headers("retry-after", "60"))).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "-1", "-0.5", "60.001", "3600", "NaN", "Infinity", "-Infinity", "1e300"})
    void fallsBackToBackoffUnlessRetryAfterIsAboveZeroAndAtMostSixtySeconds(String seconds) {
        assertThat(noJitter.delay(1, headers("retry-after", seconds))).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitter.delay(2, headers("retry-after", seconds))).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-250", "60001", "86400000"})
    void fallsBackToBackoffUnlessRetryAfterMsIsAboveZeroAndAtMostSixtySeconds(String millis) {
        assertThat(noJitter.delay(1, headers("retry-after-ms", millis))).isEqualTo(Duration.ofSeconds(1));
        // a readable retry-after-ms is the one the SDKs use, even when it is out of range (then: backoff)
        assertThat(noJitter.delay(1, headers("retry-after-ms", millis, "retry-after", "5"))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRetryAfterDateOfNowIsZeroAndFallsBackToBackoff() {
        assertThat(noJitter.delay(0, headers("retry-after", "Wed, 25 Nov 2026 12:00:00 GMT"))).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theSmallestPositiveWaitsAreHonoured() {
        assertThat(noJitter.delay(3, headers("retry-after-ms", "1"))).isEqualTo(Duration.ofMillis(1));
        assertThat(noJitter.delay(3, headers("retry-after", "0.001"))).isEqualTo(Duration.ofMillis(1));
    }
}
