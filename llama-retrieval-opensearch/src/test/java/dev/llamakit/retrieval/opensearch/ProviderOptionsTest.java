package dev.llamakit.retrieval.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.retrieval.Retrievers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options are checked before anything is sent: each mistake fails with a message naming the option. */
class ProviderOptionsTest {
    private static final String URL = "http://127.0.0.1:9";

    private static void fails(Map<String, String> options, String... message) {
        Map<String, String> all = new HashMap<>(Map.of("url", URL));
        all.putAll(options);
        assertThatThrownBy(() -> Retrievers.create("opensearch", all)).as("options %s", options)
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(message));
    }

    @Test
    void theProviderIsOnTheClassPath() {
        assertThat(Retrievers.available()).contains("opensearch");
        assertThat(new OpenSearchRetrieverProvider().optionKeys()).contains("url", "index", "username", "password",
                "api-key", "trust-store", "insecure-trust-all", "connect-timeout", "request-timeout", "refresh", "shards",
                "replicas", "mode", "fusion", "rrf-k", "weights", "candidates", "embedder", "chunking", "chunk-tokens",
                "chunk-overlap");
    }

    @Test
    void badOptionsFailNamingTheOption() {
        assertThatThrownBy(() -> Retrievers.create("opensearch", Map.of())).hasMessageContaining("needs option 'url'");
        fails(Map.of("colour", "red"), "unknown option [colour]");
        fails(Map.of("url", "ftp://host:21"), "http:// or https://");
        fails(Map.of("url", "http://host:9200/?a=b"), "query or fragment");
        fails(Map.of("index", "Upper"), "option 'index'", "lower case");
        fails(Map.of("index", "_hidden"), "must not start");
        fails(Map.of("mode", "semantic"), "bm25, vector or hybrid");
        fails(Map.of("mode", "vector"), "needs an embedder");
        fails(Map.of("mode", "hybrid", "embedder", "no-such-model"), "no embedder named 'no-such-model'",
                "test-hashing");
        fails(Map.of("fusion", "rrf"), "mode=hybrid only");
        fails(Map.of("candidates", "50"), "vector or hybrid only");
        fails(Map.of("mode", "hybrid", "embedder", "test-hashing", "fusion", "minmax", "rrf-k", "10"),
                "option 'rrf-k' of 'opensearch' applies to fusion=rrf only, not fusion=minmax");
        fails(Map.of("mode", "hybrid", "embedder", "test-hashing", "weights", "0,0"), "option 'weights' of 'opensearch'",
                "not all be 0");
        fails(Map.of("mode", "hybrid", "embedder", "test-hashing", "fusion", "minmax", "weights", "0.3"),
                "two numbers");
        fails(Map.of("mode", "hybrid", "embedder", "test-hashing", "fusion", "borda"), "unknown fusion 'borda'");
        fails(Map.of("refresh", "sometimes"), "true, wait_for or false");
        fails(Map.of("connect-timeout", "5"), "'connect-timeout' must be a duration");
        fails(Map.of("request-timeout", "0s"), "request-timeout must be positive");
        fails(Map.of("shards", "0"), "'shards' must be at least 1");
        fails(Map.of("username", "u", "password", "p", "api-key", "k"), "not both");
        fails(Map.of("trust-store-password", "x"), "needs 'trust-store'");
        fails(Map.of("trust-store", "/no/such/file.p12"), "does not exist");
        fails(Map.of("mode", "vector", "embedder", "test-hashing", "min-similarity", "2"), "between -1 and 1");
        fails(Map.of("chunk-tokens", "40"), "needs chunking=sentence");
        fails(Map.of("k1", "-1"), "k1 must be");
        fails(Map.of("b", "1.5"), "b must be between 0 and 1");
        fails(Map.of("index-dir", "x"), "unknown option [index-dir]"); // the Lucene folder's old spelling only
    }

    @Test
    void durationsReadUnitsAndIso8601() {
        assertThat(OpenSearchRetrieverProvider.duration("t", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(OpenSearchRetrieverProvider.duration("t", "5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(OpenSearchRetrieverProvider.duration("t", " 2m ")).isEqualTo(Duration.ofMinutes(2));
        assertThat(OpenSearchRetrieverProvider.duration("t", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(RefreshPolicy.parse("wait-for")).isEqualTo(RefreshPolicy.WAIT_FOR);
        assertThat(SearchMode.parse(" Hybrid ")).isEqualTo(SearchMode.HYBRID);
    }

    @Test
    void tokenEstimatesNeverUndercountWhatTheStandardTokenizerMakes() {
        assertThat(Queries.estimateTokens("")).isZero();
        assertThat(Queries.estimateTokens("Emperor penguins, huddle!")).isEqualTo(3);
        assertThat(Queries.estimateTokens("\u5317\u4eac")).as("each ideograph is a token").isEqualTo(2);
        assertThat(Queries.estimateTokens("\uD83E\uDD99\uD83E\uDD99 llama")).as("emoji are tokens").isEqualTo(3);
        assertThat(Queries.truncateToTokens("one two three four", 2)).isEqualTo("one two ");
    }
}
