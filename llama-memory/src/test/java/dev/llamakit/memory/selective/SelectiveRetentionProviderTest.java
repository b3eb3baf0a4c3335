package dev.llamakit.memory.selective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llamakit.memory.MemoryStrategies;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.spi.ProviderOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectiveRetentionProviderTest {
    private final SelectiveRetentionProvider provider = new SelectiveRetentionProvider();

    @Test
    void namesItselfAndItsOptions() {
        assertThat(provider.name()).isEqualTo("selective-retention");
        assertThat(provider.optionKeys()).containsExactlyInAnyOrder("relevance-weight", "importance-weight",
                "recency-weight", "recency-half-life", "recent-messages", "max-tokens");
        assertThat(provider.description()).isNotBlank();
    }

    @Test
    void hasDefaults() {
        SelectiveRetentionStrategy s = (SelectiveRetentionStrategy) provider.create(ProviderOptions.EMPTY);
        assertThat(s.relevanceWeight()).isEqualTo(1.0);
        assertThat(s.importanceWeight()).isEqualTo(0.5);
        assertThat(s.recencyWeight()).isEqualTo(0.5);
        assertThat(s.recencyHalfLife()).isEqualTo(20.0);
        assertThat(s.recentMessages()).isEqualTo(4);
        assertThat(s.maxTokens()).isEmpty();
    }

    @Test
    void readsEveryOption() {
        SelectiveRetentionStrategy s = (SelectiveRetentionStrategy) MemoryStrategies.create("selective-retention",
                Map.of("relevance-weight", "2", "importance-weight", "0", "recency-weight", "0.25",
                        "recency-half-life", "8", "recent-messages", "0", "max-tokens", "3000"));
        assertThat(s.relevanceWeight()).isEqualTo(2.0);
        assertThat(s.importanceWeight()).isZero();
        assertThat(s.recencyWeight()).isEqualTo(0.25);
        assertThat(s.recencyHalfLife()).isEqualTo(8.0);
        assertThat(s.recentMessages()).isZero();
        assertThat(s.maxTokens()).hasValue(3000);
    }

    @Test
    void takesARelevanceScorerAsAService() {
        RelevanceScorer mine = (q, candidates) -> new double[candidates.size()];
        MemoryStrategy s = MemoryStrategies.create("selective-retention",
                ProviderOptions.builder().put("max-tokens", 500).service(RelevanceScorer.class, mine).build());
        assertThat(((SelectiveRetentionStrategy) s).scorer()).isSameAs(mine);
    }

    @ParameterizedTest
    @CsvSource({
        "relevance-weight, heavy, must be a number",
        "relevance-weight, -1, '>= 0'",
        "relevance-weight, NaN, 'finite number'",
        "importance-weight, Infinity, 'finite number'",
        "recency-weight, -0.5, '>= 0'",
        "recency-half-life, 0, positive",
        "recency-half-life, soon, must be a number",
        "recent-messages, -1, at least 0",
        "recent-messages, 2.5, must be an integer",
        "max-tokens, 0, at least 1",
        "max-tokens, many, must be an integer"})
    void badValuesAreRejectedNamingTheOption(String key, String value, String problem) {
        assertThatThrownBy(() -> MemoryStrategies.create("selective-retention", Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void unknownKeysAreRejectedListingTheKnownOnes() {
        assertThatThrownBy(() -> MemoryStrategies.create("selective-retention", Map.of("relevance", "1", "max-messages", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[max-messages, relevance]")
                .hasMessageContaining("relevance-weight")
                .hasMessageContaining("recent-messages");
    }
}
